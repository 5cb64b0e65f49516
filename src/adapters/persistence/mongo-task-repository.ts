import type { TaskRecord } from '../../domain/instance.js';
import type { TaskQuery, TaskRepository, TransitionEffects } from '../../app/ports.js';
import { ignoreDuplicate, type Models } from './models.js';
import { fromDoc } from './mongo-instance-store.js';

/**
 * Tasks read model. Each write carries the seq of the transition that made it and
 * only replaces older data, so re-applying a transition after a crash is harmless.
 */
export class MongoTaskRepository implements TaskRepository {
  constructor(private readonly models: Models) {}

  async findById(id: string): Promise<TaskRecord | null> {
    const doc = await this.models.tasks.findById(id).lean();
    return doc ? fromDoc<TaskRecord>(doc) : null;
  }

  async list(query: TaskQuery): Promise<TaskRecord[]> {
    const filter: Record<string, unknown> = {};
    if (query.status) filter.status = query.status;
    if (query.procedureId) filter.procedureId = query.procedureId;
    if (query.instanceId) filter.instanceId = query.instanceId;
    const visibility: Record<string, unknown>[] = [];
    if (query.candidateGroups) visibility.push({ candidateGroups: { $in: query.candidateGroups } });
    if (query.assignee) visibility.push({ assignee: query.assignee });
    if (visibility.length) filter.$or = visibility;
    const docs = await this.models.tasks.find(filter).sort({ createdAt: 1 }).limit(query.limit).lean();
    return docs.map((doc) => fromDoc<TaskRecord>(doc));
  }

  async apply(effects: TransitionEffects, seq: number): Promise<void> {
    for (const task of effects.openTasks) {
      const { id, ...rest } = task;
      if (await this.isNewer(id, seq)) {
        await ignoreDuplicate(this.models.tasks.replaceOne({ _id: id }, { ...rest, seq }, { upsert: true }));
      }
    }
    for (const close of effects.closeTasks) {
      const set = {
        status: close.status,
        seq,
        completedBy: close.by,
        data: close.data,
        completedAt: close.at,
      };
      if (await this.isNewer(close.id, seq))
        await this.models.tasks.updateOne({ _id: close.id }, { $set: dropUndefined(set) });
    }
    for (const { id, assignee } of effects.assign) {
      const update = assignee ? { $set: { assignee, seq } } : { $set: { seq }, $unset: { assignee: 1 } };
      if (await this.isNewer(id, seq)) await this.models.tasks.updateOne({ _id: id }, update);
    }
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

function dropUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
