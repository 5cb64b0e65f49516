import { Schema, type Connection, type Model } from 'mongoose';
import type { ReportRun, ReportRuns } from '../../app/reports-schedule.js';
import { isDuplicateKey, modelOn } from './models.js';

const schema = new Schema(
  {
    _id: String,
    scheduleId: String,
    periodKey: String,
    claimedAt: Date,
    owner: String,
    status: String,
    at: Date,
    recipients: [String],
    error: String,
  },
  { versionKey: false, strict: true, collection: 'report_runs' },
);

/**
 * Runs of scheduled reports in `report_runs` (`_id` = `<scheduleId>:<periodKey>`, docs/adr/0027):
 * the unique insert is the claim, so one process sends a period and every other one skips it.
 */
export class MongoReportRuns implements ReportRuns {
  private readonly model: Model<Record<string, unknown>>;

  constructor(connection: Connection) {
    this.model = modelOn(connection, 'ReportRun', schema);
  }

  /** Creates the collection up front, so two processes never race to create it on first insert. */
  async init(): Promise<void> {
    await this.model.createCollection().catch(() => undefined);
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

  async finish(
    runId: string,
    outcome: { status: 'sent' | 'failed'; at: Date; recipients?: readonly string[]; error?: string },
  ): Promise<void> {
    await this.model.updateOne({ _id: runId }, { $set: { ...outcome } }).exec();
  }

  /** A run as recorded (tests, support). */
  async find(runId: string): Promise<Record<string, unknown> | null> {
    return this.model.findById(runId).lean();
  }
}
