import type { InstanceEvent, OutboxMessage, TaskRecord } from '../../domain/instance.js';
import type { TransitionEffects } from '../../app/ports.js';
import type { Models } from './models.js';

/** A committed step as the instance page needs it: the audit event and its effects (no head). */
export interface StoredStep {
  readonly event: InstanceEvent;
  readonly effects: TransitionEffects;
}

/** Steps one instance may have at most as far as the history reader goes. */
const MAX_STEPS = 10_000;
/** Lookups sent at once past the cached steps. */
const BATCH = 4;
/** Steps kept in memory (events and effects only; a few KB each). */
const CACHE_SIZE = 5_000;

/**
 * An instance's history read by `_id` (`<instanceId>:<seq>`, seq 1, 2, … up to the first missing
 * one) rather than by a filter on `instanceId`, which FerretDB answers by decoding the whole
 * `instance_events` table. Committed steps never change, so they are cached; only the probe past
 * the last known step goes to the database. The tasks and messages of an instance are folds of the
 * effects of its steps, so the instance page reads each step once (docs/adr/0017).
 */
export class StepHistory {
  private readonly cache = new Map<string, StoredStep>();
  private readonly reading = new Map<string, Promise<StoredStep[]>>();

  private constructor(private readonly models: Models) {}

  /** The reader shared by every adapter bound to these models. */
  static of(models: Models): StepHistory {
    let history = registry.get(models);
    if (!history) {
      history = new StepHistory(models);
      registry.set(models, history);
    }
    return history;
  }

  /** Every committed step of the instance, in order (concurrent callers share one read). */
  steps(instanceId: string): Promise<StoredStep[]> {
    let steps = this.reading.get(instanceId);
    if (!steps) {
      steps = this.read(instanceId).finally(() => this.reading.delete(instanceId));
      this.reading.set(instanceId, steps);
    }
    return steps;
  }

  /** Remembers a step this process committed (saves the next page view a lookup). */
  remember(instanceId: string, seq: number, step: StoredStep): void {
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(`${instanceId}:${seq}`, step);
  }

  private async read(instanceId: string): Promise<StoredStep[]> {
    const steps: StoredStep[] = [];
    let seq = 1;
    for (let cached = this.cache.get(`${instanceId}:${seq}`); cached; ) {
      steps.push(cached);
      cached = this.cache.get(`${instanceId}:${++seq}`);
    }
    while (seq <= MAX_STEPS) {
      const batch = await Promise.all(
        Array.from({ length: BATCH }, (_, k) => this.lookup(instanceId, seq + k)),
      );
      for (const step of batch) {
        if (!step) return steps;
        steps.push(step);
        seq++;
      }
    }
    return steps;
  }

  private async lookup(instanceId: string, seq: number): Promise<StoredStep | null> {
    const cached = this.cache.get(`${instanceId}:${seq}`);
    if (cached) return cached;
    const doc = await this.models.events.findById(`${instanceId}:${seq}`, { head: 0 }).lean();
    if (!doc) return null;
    const { effects, _id, ...event } = doc as Record<string, unknown>;
    const step = {
      event: event as unknown as InstanceEvent,
      effects: JSON.parse(String(effects)) as TransitionEffects,
    };
    this.remember(instanceId, seq, step);
    return step;
  }
}

const registry = new WeakMap<Models, StepHistory>();

/** The instance's tasks as the task projection holds them: its steps' effects folded in order. */
export function foldTasks(steps: readonly StoredStep[]): TaskRecord[] {
  const tasks = new Map<string, TaskRecord>();
  for (const { effects } of steps) {
    for (const task of effects.openTasks) {
      if (!tasks.has(task.id)) tasks.set(task.id, reviveTask(task));
    }
    for (const close of effects.closeTasks) {
      const task = tasks.get(close.id);
      if (!task) continue;
      tasks.set(close.id, {
        ...task,
        status: close.status,
        completedAt: new Date(close.at),
        ...(close.by !== undefined ? { completedBy: close.by } : {}),
        ...(close.data !== undefined ? { data: close.data } : {}),
      });
    }
    for (const { id, assignee } of effects.assign) {
      const task = tasks.get(id);
      if (!task) continue;
      const { assignee: _old, ...rest } = task;
      tasks.set(id, assignee ? { ...rest, assignee } : rest);
    }
  }
  return [...tasks.values()].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/** The instance's outbox messages, oldest first. */
export function foldMessages(steps: readonly StoredStep[]): OutboxMessage[] {
  return steps
    .flatMap(({ effects }) => effects.outbox)
    .map((message) => ({ ...message, createdAt: new Date(message.createdAt) }))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/** Dates come back from the stored JSON as strings. */
function reviveTask(task: TaskRecord): TaskRecord {
  return {
    ...task,
    createdAt: new Date(task.createdAt),
    ...(task.dueAt ? { dueAt: new Date(task.dueAt) } : {}),
    ...(task.completedAt ? { completedAt: new Date(task.completedAt) } : {}),
  };
}
