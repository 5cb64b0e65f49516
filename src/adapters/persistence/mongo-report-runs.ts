import { Schema, type Connection, type Model } from 'mongoose';
import type { ReportRun, ReportRunRecord, ReportRuns, RunOutcome } from '../../app/reports-schedule.js';
import { ignoreDuplicate, isDuplicateKey, modelOn } from './models.js';

const schema = new Schema(
  {
    _id: String,
    scheduleId: String,
    periodKey: String,
    claimedAt: Date,
    owner: String,
    status: String,
    messageIds: [String],
    queuedAt: Date,
    at: Date,
    recipients: [String],
    error: String,
  },
  { versionKey: false, strict: true, collection: 'report_runs' },
);

/**
 * Runs of scheduled reports in `report_runs` (`_id` = `<scheduleId>:<periodKey>`, docs/adr/0027):
 * the unique insert is the claim, so one process queues a period and every other one skips it.
 * `<scheduleId>:since` records when any process first ran the schedule (missed periods are caught
 * up only from then on). Every read and write is by `_id`.
 */
export class MongoReportRuns implements ReportRuns {
  private readonly model: Model<Record<string, unknown>>;

  constructor(connection: Connection) {
    this.model = modelOn(connection, 'ReportRun', schema);
  }

  /**
   * Waits for the collection to be created (mongoose's `init`), so two processes never race to
   * create it on first insert.
   */
  async init(): Promise<void> {
    await this.model.init().catch(() => undefined);
  }

  async claim(run: ReportRun): Promise<boolean> {
    const { id, ...rest } = run;
    try {
      await this.model.create({ _id: id, ...rest, status: 'claimed' });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async find(runId: string): Promise<ReportRunRecord | undefined> {
    const doc = await this.model.findById(runId).lean();
    if (!doc) return undefined;
    const { _id, ...rest } = doc;
    return { id: String(_id), ...(rest as unknown as Omit<ReportRunRecord, 'id'>) };
  }

  async reclaim(runId: string, claimedAt: Date, owner: string): Promise<void> {
    await this.model.updateOne({ _id: runId }, { $set: { claimedAt, owner } }).exec();
  }

  async queued(runId: string, messageIds: readonly string[], at: Date): Promise<void> {
    await this.model
      .updateOne({ _id: runId }, { $set: { status: 'queued', messageIds, queuedAt: at } })
      .exec();
  }

  async finish(runId: string, outcome: RunOutcome): Promise<void> {
    await this.model.updateOne({ _id: runId }, { $set: { ...outcome } }).exec();
  }

  async since(scheduleId: string, now: Date): Promise<Date> {
    const id = `${scheduleId}:since`;
    await ignoreDuplicate(this.model.create({ _id: id, scheduleId, claimedAt: now, status: 'since' }));
    const doc = await this.model.findById(id).lean();
    return doc?.claimedAt instanceof Date ? doc.claimedAt : now;
  }
}
