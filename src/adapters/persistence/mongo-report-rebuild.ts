import { Schema, type Connection } from 'mongoose';
import {
  rebuildReports,
  type RebuildFilter,
  type RebuildHead,
  type RebuildResult,
  type ReportRebuildDeps,
} from '../../app/reports-rebuild.js';
import { MongoDefinitionRepository } from './mongo-definition-repository.js';
import { MongoInstanceStore } from './mongo-instance-store.js';
import { MongoReportStore } from './mongo-report-store.js';
import { isDuplicateKey, modelOn, type Models } from './models.js';

/** Marker of the automatic backfill in `migrations` (docs/adr/0035). */
const MARKER = 'report-facts-backfill-v1';
const migrationSchema = new Schema(
  { _id: String, at: Date, state: String, owner: String },
  { versionKey: false, strict: true, collection: 'migrations' },
);

/**
 * The tickets a reports rebuild covers: ONE scan of the instance heads (id, procedure, last step;
 * no engine state), by the one-off admin command or the one-time start-up backfill, never on a
 * hot path. Sorted by id so a re-run walks them in the same order.
 */
export async function rebuildHeads(models: Models, filter: RebuildFilter): Promise<RebuildHead[]> {
  const query: Record<string, unknown> = {};
  if (filter.procedureId) query.procedureId = filter.procedureId;
  if (filter.since) query.startedAt = { $gte: filter.since };
  const docs = await models.instances.find(query, { _id: 1, procedureId: 1, seq: 1 }).lean();
  return docs
    .map((doc) => ({ id: String(doc._id), procedureId: String(doc.procedureId), seq: Number(doc.seq ?? 0) }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Whether this process should backfill the reporting read model at start-up (docs/adr/0035): only
 * when `report_facts` is empty while tickets exist (a database from before the read model), and
 * only the process whose insert of the marker succeeds (two processes starting together do not
 * both rebuild). Three single-row reads; later starts stop at the first (the marker).
 */
export async function claimReportBackfill(models: Models, owner: string, now: Date): Promise<boolean> {
  const migrations = modelOn(models.instances.db, 'ReportMigration', migrationSchema);
  if (await migrations.findById(MARKER).lean()) return false;
  const facts = models.instances.db.collection('report_facts');
  if (await facts.findOne({}, { projection: { _id: 1 } })) return false;
  if (!(await models.instances.findOne({}, { _id: 1 }).lean())) return false;
  try {
    await migrations.create({ _id: MARKER, at: now, state: 'running', owner });
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

/** Records the start-up backfill as finished (its outcome, for the operator). */
export async function finishReportBackfill(
  models: Models,
  state: 'done' | 'failed',
  now: Date,
): Promise<void> {
  const migrations = modelOn(models.instances.db, 'ReportMigration', migrationSchema);
  await migrations.updateOne({ _id: MARKER }, { $set: { state, at: now } }).exec();
}

/** The rebuild's collaborators on a database: its heads, step history, definitions and report store. */
export async function reportRebuildOn(
  database: { readonly connection: Connection; readonly models: Models },
  timeZone: string,
  batchSize?: number,
): Promise<ReportRebuildDeps> {
  const facts = new MongoReportStore(database.connection);
  await facts.init();
  const definitions = new MongoDefinitionRepository(database.models);
  return {
    heads: (filter) => rebuildHeads(database.models, filter),
    steps: new MongoInstanceStore(database.models),
    facts,
    dimensions: async (definitionId) =>
      (await definitions.findById(definitionId))?.catalog.reportDimensions ?? [],
    timeZone,
    ...(batchSize ? { batchSize } : {}),
  };
}

/**
 * The one-time start-up backfill (docs/adr/0035): when this process claims it, rebuilds every
 * ticket in the background (start-up does not wait: new steps on old tickets are folded from
 * their history by the recorder anyway) and records the outcome on the marker.
 */
export async function backfillReportsOnStart(
  database: { readonly connection: Connection; readonly models: Models },
  options: {
    readonly timeZone: string;
    readonly owner: string;
    readonly now: () => Date;
    readonly logger: {
      info(details: object, message: string): void;
      error(details: object, message: string): void;
    };
  },
): Promise<RebuildResult | undefined> {
  if (!(await claimReportBackfill(database.models, options.owner, options.now()))) return undefined;
  options.logger.info({}, 'reports: backfilling the reporting read model from existing tickets (once)');
  try {
    const result = await rebuildReports(await reportRebuildOn(database, options.timeZone));
    await finishReportBackfill(database.models, 'done', options.now());
    options.logger.info({ ...result }, 'reports: backfill done');
    return result;
  } catch (error) {
    options.logger.error({ err: error }, 'reports: backfill failed; run `npm run admin -- rebuild-reports`');
    await finishReportBackfill(database.models, 'failed', options.now()).catch(() => undefined);
    return undefined;
  }
}
