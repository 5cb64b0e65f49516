import type { OutboxMessage } from '../../domain/instance.js';
import type {
  AttemptResult,
  DeliveryAttempt,
  DeliveryLedger,
  FinalOutcome,
} from '../../app/notification-ports.js';
import type { DeliveryModels } from './delivery-models.js';
import { ignoreDuplicate, isDuplicateKey, type Models } from './models.js';
import { fromDoc } from './mongo-instance-store.js';

/** The delivery state of one outbox message, for monitoring and tests. */
export interface DeliveryStatus {
  readonly state: 'pending' | 'sent' | 'undeliverable';
  readonly attempts: readonly DeliveryAttempt[];
  readonly outcome?: FinalOutcome;
}

const attemptId = (messageId: string, attempt: number) => `${messageId}#${attempt}`;
/** More attempts than any policy allows: a guard against reading forever. */
const MAX_ATTEMPTS_READ = 1000;

/**
 * Delivery bookkeeping on MongoDB / FerretDB v1. Filtered updates are not atomic on FerretDB, so
 * the claim is an insert with a deterministic `_id`; every other read and write is by `_id` too,
 * except `listPending`, which scans the queue of pending messages (`outbox_pending`, written
 * with each outbox message and emptied as messages finish), not the whole outbox.
 */
export class MongoDeliveryLedger implements DeliveryLedger {
  private backfilled = false;

  constructor(
    private readonly models: Models,
    private readonly delivery: DeliveryModels,
  ) {}

  async listPending(limit: number): Promise<string[]> {
    if (!this.backfilled) await this.backfillPending();
    const pending = await this.models.outboxPending
      .find({}, { _id: 1 })
      .sort({ createdAt: 1, _id: 1 })
      .lean();
    return pending.map((doc) => String(doc._id)).slice(0, limit);
  }

  /**
   * Once per process: queues outbox messages written before the pending queue existed.
   * The only full scan of the outbox; afterwards delivery reads just the pending queue.
   */
  private async backfillPending(): Promise<void> {
    const finished = await this.delivery.outcomes.find({}, { _id: 1 }).lean();
    const done = new Set(finished.map((doc) => String(doc._id)));
    const messages = await this.models.outbox.find({}, { _id: 1, createdAt: 1 }).lean();
    for (const doc of messages.filter((m) => !done.has(String(m._id)))) {
      await ignoreDuplicate(this.models.outboxPending.create({ _id: doc._id, createdAt: doc.createdAt }));
    }
    this.backfilled = true;
  }

  async loadMessage(messageId: string): Promise<OutboxMessage | null> {
    const doc = await this.models.outbox.findById(messageId).lean();
    if (!doc) return null;
    const { sentAt: _sentAt, ...message } = fromDoc<OutboxMessage & { sentAt?: Date }>(doc);
    return { ...message, variables: message.variables ?? {} };
  }

  async attempts(messageId: string): Promise<DeliveryAttempt[]> {
    const found: DeliveryAttempt[] = [];
    for (let n = 1; n <= MAX_ATTEMPTS_READ; n += 1) {
      const doc = await this.delivery.attempts.findById(attemptId(messageId, n)).lean();
      if (!doc) break;
      const { _id, result, ...attempt } = doc;
      found.push({
        ...(attempt as unknown as DeliveryAttempt),
        ...(result ? { result: result as AttemptResult } : {}),
      });
    }
    return found;
  }

  async claim(attempt: DeliveryAttempt): Promise<boolean> {
    try {
      await this.delivery.attempts.create({ _id: attemptId(attempt.messageId, attempt.attempt), ...attempt });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async recordResult(messageId: string, attempt: number, result: AttemptResult): Promise<void> {
    await this.delivery.attempts.updateOne({ _id: attemptId(messageId, attempt) }, { $set: { result } });
  }

  async finish(messageId: string, outcome: FinalOutcome): Promise<void> {
    await ignoreDuplicate(this.delivery.outcomes.create({ _id: messageId, ...outcome }));
    await this.models.outboxPending.deleteOne({ _id: messageId });
  }

  /** The message's state: its final outcome if recorded, else pending with the attempts so far. */
  async status(messageId: string): Promise<DeliveryStatus> {
    const attempts = await this.attempts(messageId);
    const doc = await this.delivery.outcomes.findById(messageId).lean();
    if (!doc) return { state: 'pending', attempts };
    const { _id, ...outcome } = doc;
    return {
      state: outcome.state as DeliveryStatus['state'],
      attempts,
      outcome: outcome as unknown as FinalOutcome,
    };
  }
}
