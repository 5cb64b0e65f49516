import { AppError } from '../../domain/errors.js';
import type { InstanceEvent, InstanceRecord } from '../../domain/instance.js';
import type { InstanceStore, Transition } from '../../app/ports.js';
import { isDuplicateKey, type Models } from './models.js';

const eventId = (instanceId: string, seq: number) => `${instanceId}:${seq}`;

/** Instance log on MongoDB/FerretDB: heads in `instances`, transitions in `instance_events`. */
export class MongoInstanceStore implements InstanceStore {
  constructor(private readonly models: Models) {}

  async loadHead(instanceId: string): Promise<InstanceRecord | null> {
    const doc = await this.models.instances.findById(instanceId).lean();
    return doc ? fromDoc<InstanceRecord>(doc) : null;
  }

  async commit(transition: Transition): Promise<void> {
    const { event } = transition;
    try {
      await this.models.events.create({
        _id: eventId(event.instanceId, event.seq),
        ...event,
        head: transition.head,
        effects: transition.effects,
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
      head: head as InstanceRecord,
      effects: effects as Transition['effects'],
    };
  }

  async saveHead(head: InstanceRecord): Promise<void> {
    const { id, ...rest } = head;
    try {
      // Never move a head backwards: a slow writer finds a newer head and its upsert collides on _id.
      await this.models.instances.replaceOne({ _id: id, seq: { $lt: head.seq } }, rest, { upsert: true });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  async listEvents(instanceId: string): Promise<InstanceEvent[]> {
    const docs = await this.models.events
      .find({ instanceId }, { head: 0, effects: 0, _id: 0 })
      .sort({ seq: 1 })
      .lean();
    return docs as unknown as InstanceEvent[];
  }

  async listInstances(filter: {
    procedureId?: string;
    status?: string;
    limit: number;
  }): Promise<InstanceRecord[]> {
    const query: Record<string, unknown> = {};
    if (filter.procedureId) query.procedureId = filter.procedureId;
    if (filter.status) query.status = filter.status;
    const docs = await this.models.instances
      .find(query, { engineState: 0 })
      .sort({ startedAt: -1 })
      .limit(filter.limit)
      .lean();
    return docs.map((doc) => fromDoc<InstanceRecord>(doc));
  }
}

/** Maps a stored document's `_id` to the domain's `id`. */
export function fromDoc<T>(doc: Record<string, unknown>): T {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest } as T;
}
