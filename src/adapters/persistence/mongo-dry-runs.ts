import { Schema, type Connection, type Model } from 'mongoose';
import type { DryRunRecord, DryRunRegistry } from '../../app/dry-run-registry.js';
import { ignoreDuplicate, modelOn } from './models.js';

const plain = { versionKey: false, strict: true, minimize: false } as const;
const dryRunSchema = new Schema(
  {
    _id: String,
    procedureId: String,
    definitionId: String,
    actor: String,
    startedAt: Date,
    expiresAt: Date,
    silenced: [String],
    formKeys: [String],
  },
  { ...plain, collection: 'dry_runs' },
);
const formRowSchema = new Schema(
  { _id: String, kind: String, latest: Number },
  { ...plain, strict: false, collection: 'form_versions' },
);

/** Most versions of one generated form deleted (a dry run registers one). */
const MAX_FORM_VERSIONS = 100;

/**
 * Live dry runs in `dry_runs` (`_id` = instance id; docs/adr/0035). Rows are removed when a run ends
 * or is swept, so the collection holds only live runs (at most a few hundred) and the sweep's read
 * of it stays small; every other access is by `_id`.
 */
export class MongoDryRunRegistry implements DryRunRegistry {
  private readonly rows: Model<Record<string, unknown>>;
  private readonly forms: Model<Record<string, unknown>>;

  constructor(connection: Connection) {
    this.rows = modelOn(connection, 'DryRun', dryRunSchema);
    this.forms = modelOn(connection, 'DryRunFormRow', formRowSchema);
  }

  async put(run: DryRunRecord): Promise<void> {
    const { instanceId, ...rest } = run;
    await ignoreDuplicate(this.rows.replaceOne({ _id: instanceId }, rest, { upsert: true }).exec());
  }

  async get(instanceId: string): Promise<DryRunRecord | null> {
    const doc = await this.rows.findById(instanceId).lean();
    return doc ? toRecord(doc) : null;
  }

  async expired(now: Date, limit: number): Promise<DryRunRecord[]> {
    // The whole (small) collection: only live runs are kept in it.
    const docs = await this.rows
      .find({})
      .limit(limit * 10)
      .lean();
    return docs
      .map(toRecord)
      .filter((run) => run.expiresAt.getTime() <= now.getTime())
      .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())
      .slice(0, limit);
  }

  async live(limit: number): Promise<number> {
    return (await this.rows.find({}, { _id: 1 }).limit(limit).lean()).length;
  }

  async remove(instanceId: string): Promise<void> {
    await this.rows.deleteOne({ _id: instanceId }).exec();
  }

  async dropForms(formKeys: readonly string[]): Promise<void> {
    for (const formKey of formKeys) {
      const head = await this.forms.findById(formKey).lean();
      const latest = Math.min(Number(head?.latest ?? 1), MAX_FORM_VERSIONS);
      for (let version = 1; version <= latest; version++)
        await this.forms.deleteOne({ _id: `${formKey}@${version}` }).exec();
      await this.forms.deleteOne({ _id: formKey }).exec();
    }
  }
}

function toRecord(doc: Record<string, unknown>): DryRunRecord {
  return {
    instanceId: String(doc._id),
    procedureId: String(doc.procedureId),
    definitionId: String(doc.definitionId),
    actor: String(doc.actor),
    startedAt: new Date(doc.startedAt as Date),
    expiresAt: new Date(doc.expiresAt as Date),
    silenced: (doc.silenced as string[] | undefined) ?? [],
    formKeys: (doc.formKeys as string[] | undefined) ?? [],
  };
}
