import type { OutboxMessage } from '../../domain/instance.js';
import type { Outbox } from '../../app/ports.js';
import { ignoreDuplicate, type Models } from './models.js';
import { fromDoc } from './mongo-instance-store.js';

/** Messages waiting for delivery; ids are derived from the transition, so re-adding is a no-op. */
export class MongoOutbox implements Outbox {
  constructor(private readonly models: Models) {}

  async add(messages: readonly OutboxMessage[]): Promise<void> {
    for (const { id, ...message } of messages) {
      await ignoreDuplicate(this.models.outbox.create({ _id: id, ...message }));
      // After the message itself: a crash in between is repaired by the roll-forward re-adding both.
      await ignoreDuplicate(this.models.outboxPending.create({ _id: id, createdAt: message.createdAt }));
    }
  }

  async listForInstance(instanceId: string): Promise<OutboxMessage[]> {
    const docs = await this.models.outbox.find({ instanceId }).sort({ createdAt: 1 }).lean();
    return docs.map((doc) => fromDoc<OutboxMessage>(doc));
  }
}
