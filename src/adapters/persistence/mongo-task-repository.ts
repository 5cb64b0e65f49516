import type { TaskRecord } from '../../domain/instance.js';
import { listedInWork } from '../../app/dry-run-id.js';
import type { TaskQuery, TaskRepository, TransitionEffects } from '../../app/ports.js';
import { settleAll } from '../../app/settle-all.js';
import { keptByFollowUp } from '../../app/task-follow-up.js';
import { ignoreDuplicate, isDuplicateKey, type Models } from './models.js';
import { fromDoc } from './mongo-instance-store.js';
import { OpenWork } from './open-work.js';
import { foldTasks, StepHistory } from './step-history.js';

/**
 * Tasks read model: every task in `tasks` (read by `_id`), open ones also in `open_tasks`, which
 * the inbox and task lists read through the in-process open-work model (docs/adr/0017). Each
 * write carries the seq of the transition that made it, so re-applying a transition after a
 * crash is harmless.
 */
export class MongoTaskRepository implements TaskRepository {
  constructor(private readonly models: Models) {}

  private get work(): OpenWork {
    return OpenWork.of(this.models);
  }

  async findById(id: string): Promise<TaskRecord | null> {
    const doc = await this.models.tasks.findById(id).lean();
    return doc ? fromDoc<TaskRecord>(doc) : null;
  }

  async list(query: TaskQuery): Promise<TaskRecord[]> {
    if (query.instanceId) {
      // One instance's tasks: a fold of its steps, read by `_id` (no scan of the task history).
      const tasks = foldTasks(await StepHistory.of(this.models).steps(query.instanceId));
      return tasks.filter((task) => matches(task, query)).slice(0, query.limit);
    }
    if (query.status === 'open') {
      const work = await this.work.ready();
      return work
        .openTasks()
        .filter((task) => matches(task, query))
        .sort(oldestFirst)
        .slice(0, query.limit);
    }
    // Closed tasks (history): a paged query; MongoDB serves it from the (status, candidateGroups) index.
    const docs = await this.models.tasks
      .find(taskQuery(query))
      .sort({ createdAt: 1 })
      .limit(query.limit)
      .lean();
    return docs.map((doc) => fromDoc<TaskRecord>(doc));
  }

  async apply(effects: TransitionEffects, seq: number): Promise<void> {
    const writes = [
      ...effects.openTasks.map((task) => () => this.open(task, seq)),
      ...effects.closeTasks.map((close) => () => this.close(close, seq)),
      ...effects.assign.map((assignment) => () => this.assign(assignment, seq)),
    ];
    const ids = [...effects.openTasks, ...effects.closeTasks, ...effects.assign].map((task) => task.id);
    // Writes to different tasks are independent: sent together. The same task twice keeps the order.
    if (new Set(ids).size === ids.length) return settleAll(writes.map((write) => write()));
    for (const write of writes) await write();
  }

  /** Closing is final and only ever repeated by a roll-forward of the same step: no read first. */
  private async close(close: TransitionEffects['closeTasks'][number], seq: number): Promise<void> {
    const set = { status: close.status, seq, completedBy: close.by, data: close.data, completedAt: close.at };
    await settleAll([
      this.models.tasks.updateOne({ _id: close.id }, { $set: dropUndefined(set) }).exec(),
      this.models.openTasks.deleteOne({ _id: close.id }).exec(),
    ]);
    this.work.dropTask(close.id);
  }

  private async assign({ id, assignee }: TransitionEffects['assign'][number], seq: number): Promise<void> {
    const update = assignee ? { $set: { assignee, seq } } : { $set: { seq }, $unset: { assignee: 1 } };
    if (!(await this.isNewer(id, seq))) return;
    await this.models.tasks.updateOne({ _id: id }, update).exec();
    await this.models.openTasks.updateOne({ _id: id }, update).exec();
    this.work.assignTask(id, assignee);
  }

  /**
   * A new task is inserted (no read first). A duplicate means a roll-forward or a concurrent
   * writer: the stored task is then rewritten only if older, and listed as open only if the
   * stored task is still this step's open task (a late re-apply must not reopen a closed task).
   */
  private async open(task: TaskRecord, seq: number): Promise<void> {
    const { id, ...rest } = task;
    const doc = { ...rest, seq };
    try {
      await this.models.tasks.create({ _id: id, ...doc });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const current = await this.models.tasks.findById(id, { seq: 1, status: 1 }).lean();
      const stored = current?.seq === undefined ? undefined : Number(current.seq);
      if (stored !== undefined && stored > seq) return;
      if (stored !== undefined && stored === seq && current?.status !== 'open') return;
      if (stored === undefined || stored < seq) {
        await ignoreDuplicate(this.models.tasks.replaceOne({ _id: id }, doc, { upsert: true }).exec());
      }
    }
    await ignoreDuplicate(this.models.openTasks.replaceOne({ _id: id }, doc, { upsert: true }).exec());
    this.work.putTask(task);
    this.work.touch();
  }

  /**
   * Only a newer transition may rewrite a task. Checked by an _id read rather than a
   * filtered update, which FerretDB would answer with a collection scan.
   */
  private async isNewer(id: string, seq: number): Promise<boolean> {
    const current = await this.models.tasks.findById(id, { seq: 1 }).lean();
    return !current || current.seq === undefined || Number(current.seq) < seq;
  }
}

/** The filters of a task query other than status, in memory. */
function matches(task: TaskRecord, query: TaskQuery): boolean {
  if (!listedInWork(task.procedureId, query)) return false;
  if (query.status && task.status !== query.status) return false;
  if (query.procedureId && task.procedureId !== query.procedureId) return false;
  if (query.instanceId && task.instanceId !== query.instanceId) return false;
  if (query.followUp && !keptByFollowUp(task, query.followUp.view, query.followUp.now)) return false;
  const byGroup = query.candidateGroups?.some((group) => task.candidateGroups.includes(group)) ?? false;
  const byAssignee = query.assignee !== undefined && task.assignee === query.assignee;
  return (!query.candidateGroups && query.assignee === undefined) || byGroup || byAssignee;
}

function oldestFirst(a: TaskRecord, b: TaskRecord): number {
  return (
    new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime() ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** The MongoDB query of a task list over the history. */
function taskQuery(query: TaskQuery): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  if (query.status) filter.status = query.status;
  if (query.procedureId) filter.procedureId = query.procedureId;
  const visibility: Record<string, unknown>[] = [];
  if (query.candidateGroups) visibility.push({ candidateGroups: { $in: query.candidateGroups } });
  if (query.assignee) visibility.push({ assignee: query.assignee });
  if (visibility.length) filter.$or = visibility;
  return filter;
}

function dropUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
