import { Schema, type Connection, type Model } from 'mongoose';
import type { PendingStep, PendingSteps } from '../../app/ports.js';
import type { Clock } from '../../domain/clock.js';
import { isDuplicateKey, modelOn } from './models.js';

const schema = new Schema(
  { _id: String, instanceId: String, seq: Number, markedAt: Date },
  { versionKey: false, strict: true, collection: 'pending_steps' },
);

const markerId = (instanceId: string, seq: number) => `${instanceId}:${seq}`;

/**
 * Markers of in-flight steps in `pending_steps` (`_id` = `<instanceId>:<seq>`). Marks and clears
 * are pure `_id` writes; the reconciler's scan reads only this collection, which holds the steps
 * in flight (plus those a crashed writer left), never the history.
 */
export class MongoPendingSteps implements PendingSteps {
  private readonly model: Model<Record<string, unknown>>;

  /** `clock` should be the system clock: markers age in real time even when the app runs on a test clock. */
  constructor(
    connection: Connection,
    private readonly clock: Clock,
  ) {
    this.model = modelOn(connection, 'PendingStep', schema);
  }

  /** Creates the collection up front, so two processes never race to create it on first insert. */
  async init(): Promise<void> {
    await this.model.createCollection().catch(() => undefined);
  }

  async mark(instanceId: string, seq: number): Promise<void> {
    const _id = markerId(instanceId, seq);
    const markedAt = this.clock.now();
    try {
      // An insert: about half the cost of an upsert on FerretDB, and this is on every step's path.
      await this.model.create({ _id, instanceId, seq, markedAt });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Marked before (a racing writer, or one that failed before its commit): refresh its age.
      await this.model.updateOne({ _id }, { $set: { markedAt } }).exec();
    }
  }

  async clear(instanceId: string, seq: number, markedAt?: Date): Promise<void> {
    const _id = markerId(instanceId, seq);
    await this.model.deleteOne(markedAt ? { _id, markedAt } : { _id }).exec();
  }

  async listStale(minAgeMs: number, limit: number): Promise<PendingStep[]> {
    const now = this.clock.now().getTime();
    const docs = await this.model
      .find({ markedAt: { $lt: new Date(now - minAgeMs) } })
      .sort({ markedAt: 1 })
      .limit(limit)
      .lean();
    return docs.map((doc) => {
      const markedAt = new Date(doc.markedAt as Date);
      return {
        instanceId: String(doc.instanceId),
        seq: Number(doc.seq),
        markedAt,
        ageMs: now - markedAt.getTime(),
      };
    });
  }
}
