import { Schema } from 'mongoose';
import { isOpenStatus, type InstanceStatus } from '../../domain/instance.js';
import { ignoreDuplicate, modelOn, type Models } from './models.js';
import { closedSummary, RECENT_CLOSED_MS } from './open-work.js';

const MARKER = 'open-work-v1';
const migrationSchema = new Schema(
  { _id: String, at: Date },
  { versionKey: false, strict: true, collection: 'migrations' },
);

/**
 * Fills the open-work collections (ADR 0017) once from a database written before they existed:
 * running and incident heads into `open_instances`, open tasks into `open_tasks`, tickets closed in
 * the last 14 days into `recent_closed`. A one-time scan of the history, marked done in `migrations`
 * so later starts cost one `_id` read; re-running it is harmless (every write is an `_id` upsert).
 * Returns how many heads it looked at (0 when already done).
 */
export async function backfillOpenWork(models: Models, now: Date): Promise<number> {
  const migrations = modelOn(models.instances.db, 'Migration', migrationSchema);
  if (await migrations.findById(MARKER).lean()) return 0;
  const heads = await models.instances.find({}, { engineState: 0 }).lean();
  const since = now.getTime() - RECENT_CLOSED_MS;
  for (const doc of heads) {
    const { _id, ...summary } = doc;
    const status = summary.status as InstanceStatus;
    if (isOpenStatus(status)) {
      await ignoreDuplicate(models.openInstances.replaceOne({ _id }, summary, { upsert: true }).exec());
    } else if (summary.endedAt && new Date(summary.endedAt as Date).getTime() >= since) {
      const { id: _unused, ...closed } = closedSummary({ id: _id, ...summary } as never);
      await ignoreDuplicate(models.recentClosed.replaceOne({ _id }, closed, { upsert: true }).exec());
    }
  }
  const open = await models.tasks.find({ status: 'open' }).lean();
  for (const { _id, ...task } of open) {
    await ignoreDuplicate(models.openTasks.replaceOne({ _id }, task, { upsert: true }).exec());
  }
  await ignoreDuplicate(migrations.create({ _id: MARKER, at: now }));
  return heads.length;
}
