import { AppError } from '../../domain/errors.js';
import type { InstanceEvent, InstanceRecord } from '../../domain/instance.js';
import type { InstanceListFilter, InstanceStore, Transition } from '../../app/ports.js';
import { ignoreDuplicate, isDuplicateKey, type Models } from './models.js';

const eventId = (instanceId: string, seq: number) => `${instanceId}:${seq}`;

/** Instance log on MongoDB/FerretDB: heads in `instances`, transitions in `instance_events`. */
export class MongoInstanceStore implements InstanceStore {
  constructor(private readonly models: Models) {}

  async loadHead(instanceId: string): Promise<InstanceRecord | null> {
    const doc = await this.models.instances.findById(instanceId).lean();
    if (!doc) return null;
    const head = fromDoc<InstanceRecord>(doc);
    return { ...head, engineState: parseJson(doc.engineState) };
  }

  async commit(transition: Transition): Promise<void> {
    const { event } = transition;
    try {
      await this.models.events.create({
        _id: eventId(event.instanceId, event.seq),
        ...event,
        head: JSON.stringify(transition.head),
        effects: JSON.stringify(transition.effects),
      });
    } catch (error) {
      if (isDuplicateKey(error)) {
        throw new AppError(
          'CONFLICT',
          `instance <${event.instanceId}> was changed concurrently (step ${event.seq})`,
        );
      }
      throw error;
    }
  }

  async findTransition(instanceId: string, seq: number): Promise<Transition | null> {
    const doc = await this.models.events.findById(eventId(instanceId, seq)).lean();
    if (!doc) return null;
    const { head, effects, _id, ...event } = doc as Record<string, unknown>;
    return {
      event: event as unknown as InstanceEvent,
      head: reviveHead(JSON.parse(String(head)) as InstanceRecord),
      effects: JSON.parse(String(effects)) as Transition['effects'],
    };
  }

  async saveHead(head: InstanceRecord): Promise<void> {
    const { id, ...rest } = head;
    // Pure _id reads and writes: FerretDB scans the collection for any other filter.
    const current = await this.models.instances.findById(id, { seq: 1 }).lean();
    if (current && Number(current.seq) >= head.seq) return; // never move a head backwards
    const stored = { ...rest, engineState: JSON.stringify(rest.engineState) };
    // Two writers upserting one head at once: one wins, and any head it leaves behind is
    // rolled forward from the log on the next load.
    await ignoreDuplicate(this.models.instances.replaceOne({ _id: id }, stored, { upsert: true }));
  }

  async listEvents(instanceId: string): Promise<InstanceEvent[]> {
    const docs = await this.models.events
      .find({ instanceId }, { head: 0, effects: 0, _id: 0 })
      .sort({ seq: 1 })
      .lean();
    return docs as unknown as InstanceEvent[];
  }

  async listWithTimersDueBefore(cutoff: Date, limit: number): Promise<InstanceRecord[]> {
    const docs = await this.models.instances
      .find({ status: 'running', 'timers.dueAt': { $lt: cutoff } }, HEAD_ONLY)
      .limit(limit)
      .lean();
    return docs.map((doc) => fromDoc<InstanceRecord>(doc));
  }

  async listInstances(filter: InstanceListFilter): Promise<InstanceRecord[]> {
    if (filter.overdueAt && filter.status && filter.status !== 'running') return []; // overdue implies running
    const docs = await this.models.instances
      .find(instanceQuery(filter), HEAD_ONLY)
      .sort({ startedAt: -1, _id: 1 })
      .skip(filter.skip ?? 0)
      .limit(filter.limit)
      .lean();
    return docs.map((doc) => fromDoc<InstanceRecord>(doc));
  }
}

/** The MongoDB query of an instance list filter (operators FerretDB v1 supports). */
function instanceQuery(filter: InstanceListFilter): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  if (filter.procedureId) query.procedureId = filter.procedureId;
  if (filter.status) query.status = filter.status;
  if (filter.startedFrom || filter.startedBefore) {
    query.startedAt = {
      ...(filter.startedFrom ? { $gte: filter.startedFrom } : {}),
      ...(filter.startedBefore ? { $lt: filter.startedBefore } : {}),
    };
  }
  if (filter.businessKeyContains) {
    query.businessKey = { $regex: escapeRegExp(filter.businessKeyContains), $options: 'i' };
  }
  if (filter.overdueAt) {
    query.status = 'running';
    // Only a running SLA clock has `dueAt` (see SlaClock), so no `$elemMatch` on the status
    // is needed; FerretDB v1's `$elemMatch` does not take field conditions anyway.
    query.$or = [{ 'timers.dueAt': { $lt: filter.overdueAt } }, { 'sla.dueAt': { $lt: filter.overdueAt } }];
  }
  return query;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Maps a stored document's `_id` to the domain's `id`. */
export function fromDoc<T>(doc: Record<string, unknown>): T {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest } as T;
}

/** Helpers for the queries below. */
const HEAD_ONLY = { engineState: 0 } as const;

function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** Dates come back from JSON as strings; the head's own date fields are restored. */
function reviveHead(head: InstanceRecord): InstanceRecord {
  return {
    ...head,
    startedAt: new Date(head.startedAt),
    updatedAt: new Date(head.updatedAt),
    ...(head.endedAt ? { endedAt: new Date(head.endedAt) } : {}),
    timers: head.timers.map((timer) => ({ ...timer, dueAt: new Date(timer.dueAt) })),
  };
}
