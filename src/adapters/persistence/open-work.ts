import { randomUUID } from 'node:crypto';
import { isOpenStatus, type InstanceRecord, type TaskRecord } from '../../domain/instance.js';
import type { ClosedInstance } from '../../app/ports.js';
import { modelOn, type Models } from './models.js';
import { Schema } from 'mongoose';

/** How long an ended instance stays in `recent_closed` (this week and last week, in any time zone). */
export const RECENT_CLOSED_MS = 14 * 86_400_000;
/** With other app processes on the database, how stale this process's open-work model may get. */
export const DEFAULT_REFRESH_MS = 30_000;
/** Rows one load reads per collection at most (a desk with more open work is far beyond this design). */
const MAX_ROWS = 200_000;

/** An ended instance as the dashboard needs it. */
export type ClosedSummary = ClosedInstance;

const peerSchema = new Schema(
  { _id: String, seenAt: Date },
  { versionKey: false, strict: true, collection: 'open_work_readers' },
);

/**
 * The open work of the desk kept in memory (docs/adr/0017): running instances' heads (no engine
 * state), open tasks and recently ended instances. Loaded once from `open_instances`, `open_tasks`
 * and `recent_closed` (collections as large as the open work, never the history) and kept current
 * by this process's own writes. When other app processes share the database (each registers in
 * `open_work_readers`), it is reloaded when older than the refresh interval, so their changes show
 * within it; actions never rely on it (they read tasks and heads by `_id`).
 */
export class OpenWork {
  private instances = new Map<string, InstanceRecord>();
  private tasks = new Map<string, TaskRecord>();
  private closed = new Map<string, ClosedSummary>();
  private loading: Promise<void> | undefined;
  private loadedAt = 0;
  private peersCheckedAt = 0;
  /** Changes made while a reload runs, replayed on its result. */
  private journal: ((work: OpenWork) => void)[] | undefined;
  private readonly id = randomUUID();

  private constructor(
    private readonly models: Models,
    private readonly refreshMs: number,
  ) {}

  /** The model shared by every adapter bound to these models. */
  static of(models: Models, refreshMs = DEFAULT_REFRESH_MS): OpenWork {
    let work = registry.get(models);
    if (!work) {
      work = new OpenWork(models, refreshMs);
      registry.set(models, work);
    }
    return work;
  }

  /**
   * Loads the model on first use. Later calls, at most once per refresh interval, register this
   * process and, when other processes share the database, reload the model in the background
   * (callers go on with the current one: its staleness is bounded by the interval plus one load).
   */
  async ready(): Promise<this> {
    if (!this.loadedAt) {
      await (this.loading ??= this.load().finally(() => (this.loading = undefined)));
    } else this.touch();
    return this;
  }

  /** The heartbeat and background reload of `ready`, for write paths (never waits). */
  touch(): void {
    if (!this.loadedAt || Date.now() - this.peersCheckedAt <= this.refreshMs) return;
    this.peersCheckedAt = Date.now();
    void this.checkPeers()
      .then((peers) => {
        if (!peers || this.loading || Date.now() - this.loadedAt <= this.refreshMs) return;
        this.loading = this.load().finally(() => (this.loading = undefined));
        return this.loading;
      })
      .catch(() => undefined); // retried at the next interval
  }

  /** Running instances (heads without engine state). */
  openInstances(): InstanceRecord[] {
    return [...this.instances.values()];
  }

  openInstance(id: string): InstanceRecord | undefined {
    return this.instances.get(id);
  }

  openTasks(): TaskRecord[] {
    return [...this.tasks.values()];
  }

  /** Instances that ended at or after `since`. */
  closedSince(since: Date): ClosedSummary[] {
    return [...this.closed.values()].filter((row) => row.endedAt && new Date(row.endedAt) >= since);
  }

  /** Records a head this process stored: running heads are kept, ended ones move to the closed rows. */
  putHead(head: InstanceRecord): void {
    this.change((work) => {
      const known = work.instances.get(head.id);
      if (known && known.seq > head.seq) return;
      const { engineState: _state, ...summary } = head;
      if (isOpenStatus(head.status)) work.instances.set(head.id, { ...summary, engineState: null });
      else {
        work.instances.delete(head.id);
        work.closed.set(head.id, closedSummary(head));
      }
    });
  }

  putTask(task: TaskRecord): void {
    this.change((work) => work.tasks.set(task.id, task));
  }

  assignTask(id: string, assignee: string | null): void {
    this.change((work) => {
      const task = work.tasks.get(id);
      if (!task) return;
      const { assignee: _old, ...rest } = task;
      work.tasks.set(id, assignee ? { ...rest, assignee } : rest);
    });
  }

  dropTask(id: string): void {
    this.change((work) => work.tasks.delete(id));
  }

  private change(apply: (work: OpenWork) => void): void {
    apply(this);
    this.journal?.push(apply);
  }

  private async load(): Promise<void> {
    const fresh = new OpenWork(this.models, this.refreshMs);
    this.journal = [];
    try {
      const since = new Date(Date.now() - RECENT_CLOSED_MS);
      const [heads, tasks, closed] = await Promise.all([
        this.models.openInstances.find({}).limit(MAX_ROWS).lean(),
        this.models.openTasks.find({}).limit(MAX_ROWS).lean(),
        this.models.recentClosed.find({}).limit(MAX_ROWS).lean(),
      ]);
      for (const doc of heads) fresh.instances.set(String(doc._id), { ...fromRow(doc), engineState: null });
      for (const doc of tasks) fresh.tasks.set(String(doc._id), fromRow(doc));
      const expired: string[] = [];
      for (const doc of closed) {
        const row = fromRow<ClosedSummary>(doc);
        if (row.endedAt && new Date(row.endedAt) < since) expired.push(row.id);
        else fresh.closed.set(row.id, row);
      }
      for (const apply of this.journal) apply(fresh);
      this.instances = fresh.instances;
      this.tasks = fresh.tasks;
      this.closed = fresh.closed;
      this.loadedAt = Date.now();
      if (!this.peersCheckedAt) {
        this.peersCheckedAt = Date.now();
        await this.checkPeers();
      }
      for (const id of expired) await this.models.recentClosed.deleteOne({ _id: id });
    } finally {
      this.journal = undefined;
    }
  }

  /** Registers this process and tells whether another one was seen lately (a tiny collection). */
  private async checkPeers(): Promise<boolean> {
    const peers = modelOn(this.models.openInstances.db, 'OpenWorkReader', peerSchema);
    const now = new Date(Date.now()); // wall time: liveness of processes, not business time
    await peers.replaceOne({ _id: this.id }, { seenAt: now }, { upsert: true }).catch(() => undefined);
    const alive = new Date(now.getTime() - 3 * this.refreshMs);
    const rows = await peers.find({}).limit(1000).lean();
    for (const row of rows) {
      if (new Date(row.seenAt as Date) < alive)
        await peers.deleteOne({ _id: row._id }).catch(() => undefined);
    }
    return rows.some((row) => row._id !== this.id && new Date(row.seenAt as Date) >= alive);
  }
}

const registry = new WeakMap<Models, OpenWork>();

function fromRow<T>(doc: Record<string, unknown>): T {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest } as T;
}

/** The lean row kept for an ended instance. */
export function closedSummary(head: InstanceRecord): ClosedSummary {
  return {
    id: head.id,
    procedureId: head.procedureId,
    definitionId: head.definitionId,
    businessKey: head.businessKey,
    status: head.status,
    startedAt: head.startedAt,
    startedBy: head.startedBy,
    ...(head.endedAt ? { endedAt: head.endedAt } : {}),
  };
}
