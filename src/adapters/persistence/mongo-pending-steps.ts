import { Schema, type Connection, type Model } from 'mongoose';
import type { PendingStep, PendingSteps } from '../../app/ports.js';
import type { Clock } from '../../domain/clock.js';
import { isDuplicateKey, modelOn } from './models.js';

const schema = new Schema(
  { _id: String, instanceId: String, seq: Number, markedAt: Date },
  { versionKey: false, strict: true, collection: 'pending_steps' },
);

const markerId = (instanceId: string, seq: number) => `${instanceId}:${seq}`;
/** Settled markers wait at most this long before their batch delete (well under the reconciler's 5 s). */
const DEFAULT_FLUSH_DELAY_MS = 250;
/** Markers one batch delete removes at most. */
const BATCH_SIZE = 500;
/** Settled markers remembered at most; beyond, the oldest are left to the reconciler. */
const MAX_SETTLED = 10_000;

/**
 * Markers of in-flight steps in `pending_steps` (`_id` = `<instanceId>:<seq>`). Marks and clears
 * are pure `_id` writes; the reconciler's scan reads only this collection, which holds the steps
 * in flight (plus those a crashed writer left), never the history.
 */
export class MongoPendingSteps implements PendingSteps {
  private readonly model: Model<Record<string, unknown>>;
  private settledIds = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  /**
   * `clock` should be the system clock: markers age in real time even when the app runs on a test clock.
   * `flushDelayMs`: how long settled markers wait for their batch delete.
   */
  constructor(
    connection: Connection,
    private readonly clock: Clock,
    private readonly flushDelayMs: number = DEFAULT_FLUSH_DELAY_MS,
  ) {
    this.model = modelOn(connection, 'PendingStep', schema);
  }

  /**
   * Waits for the collection to be created (mongoose's `init`), so two processes never race to
   * create it on first insert.
   */
  async init(): Promise<void> {
    await this.model.init().catch(() => undefined);
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

  settled(instanceId: string, seq: number): void {
    if (this.settledIds.size >= MAX_SETTLED) return;
    this.settledIds.add(markerId(instanceId, seq));
    this.schedule();
  }

  /**
   * Deletes the settled markers, 500 per command, one flush at a time. The `$in` filter makes
   * FerretDB read the whole collection, which holds only the steps in flight and these; a failed
   * batch is retried later (its markers meanwhile look like crashed steps to the reconciler, which
   * finds them settled: harmless).
   */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const previous = this.flushing ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(() => this.deleteSettled());
    this.flushing = current;
    try {
      await current;
    } finally {
      if (this.flushing === current) this.flushing = undefined;
    }
  }

  private async deleteSettled(): Promise<void> {
    while (this.settledIds.size) {
      const ids = [...this.settledIds].slice(0, BATCH_SIZE);
      for (const id of ids) this.settledIds.delete(id);
      try {
        await this.model.deleteMany({ _id: { $in: ids } }).exec();
      } catch (error) {
        for (const id of ids) if (this.settledIds.size < MAX_SETTLED) this.settledIds.add(id);
        this.schedule();
        throw error;
      }
    }
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), this.flushDelayMs).unref();
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
