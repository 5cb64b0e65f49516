import type { OutboxMessage } from '../../domain/instance.js';
import type { Outbox } from '../../app/ports.js';
import { ignoreDuplicate, type Models } from './models.js';
import { foldMessages, StepHistory } from './step-history.js';

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

  /** A fold of the instance's steps, read by `_id`: no scan of the whole outbox (docs/adr/0017). */
  async listForInstance(instanceId: string): Promise<OutboxMessage[]> {
    return foldMessages(await StepHistory.of(this.models).steps(instanceId));
  }
}
