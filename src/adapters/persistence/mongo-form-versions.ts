import { Schema, type Connection, type Model } from 'mongoose';
import { AppError } from '../../domain/errors.js';
import type { FormHead, FormVersion, FormVersionStore } from '../../app/form-versions.js';
import { duplicatesOfInsert, ignoreDuplicate, isDuplicateKey, modelOn } from './models.js';

const plain = { versionKey: false, strict: true, minimize: false } as const;

// One collection, two kinds of rows (docs/adr/0028): versions `<formKey>@<n>` (immutable) and
// heads `<formKey>` (latest n). Reads are `_id` lookups; only the catalogue lists the heads.
const formVersionSchema = new Schema(
  {
    _id: String,
    kind: { type: String, required: true },
    formKey: { type: String, required: true },
    version: Number,
    latest: Number,
    seedHash: String,
    json: String,
    contentHash: String,
    savedAt: Date,
    savedBy: String,
    source: String,
  },
  { ...plain, collection: 'form_versions' },
);

/** Form versions and heads in the `form_versions` collection. */
export class MongoFormVersionStore implements FormVersionStore {
  private readonly rows: Model<Record<string, unknown>>;

  constructor(connection: Connection) {
    this.rows = modelOn(connection, 'FormVersion', formVersionSchema);
  }

  async head(formKey: string): Promise<FormHead | null> {
    const doc = await this.rows.findById(formKey).lean();
    return doc && doc.kind === 'head' ? toHead(doc) : null;
  }

  async version(formKey: string, version: number): Promise<FormVersion | null> {
    const doc = await this.rows.findById(`${formKey}@${version}`).lean();
    return doc && doc.kind === 'version' ? toVersion(doc) : null;
  }

  async insert(version: FormVersion): Promise<void> {
    const { id, ...rest } = version;
    try {
      await this.rows.create({ _id: id, kind: 'version', ...rest });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      throw new AppError(
        'CONFLICT',
        `form <${version.formKey}> version ${version.version} was saved concurrently; reload and save again`,
      );
    }
  }

  async advance(formKey: string, latest: number, seedHash?: string): Promise<void> {
    const current = await this.head(formKey);
    if (current && current.latest >= latest) return;
    const seed = seedHash ?? current?.seedHash;
    const row = { kind: 'head', formKey, latest, ...(seed ? { seedHash: seed } : {}) };
    await ignoreDuplicate(this.rows.replaceOne({ _id: formKey }, row, { upsert: true }).exec());
  }

  async seed(versions: readonly FormVersion[]): Promise<void> {
    if (!versions.length) return;
    const rows = versions.map(({ id, ...rest }) => ({ _id: id, kind: 'version', ...rest }));
    const taken = await duplicatesOfInsert(this.rows.insertMany(rows, { ordered: false }), rows.length);
    // A version already stored (another process, or a start that stopped before the heads) gets a
    // head naming the file it was stored from, so a later refresh compares against the right hash.
    const stored = await Promise.all(
      versions.filter((_, index) => taken.has(index)).map((v) => this.version(v.formKey, v.version)),
    );
    const seeded = [
      ...versions.filter((_, index) => !taken.has(index)),
      ...stored.filter((version): version is FormVersion => version?.source === 'file'),
    ];
    const heads = seeded.map((version) => ({
      _id: version.formKey,
      kind: 'head',
      formKey: version.formKey,
      latest: version.version,
      seedHash: version.contentHash,
    }));
    if (heads.length) await duplicatesOfInsert(this.rows.insertMany(heads, { ordered: false }), heads.length);
  }

  async heads(limit: number): Promise<FormHead[]> {
    const docs = await this.rows
      .find({ kind: 'head' }, { formKey: 1, latest: 1, seedHash: 1 })
      .limit(limit)
      .lean();
    return docs.map(toHead);
  }
}

function toHead(doc: Record<string, unknown>): FormHead {
  return {
    formKey: String(doc.formKey),
    latest: Number(doc.latest),
    ...(typeof doc.seedHash === 'string' ? { seedHash: doc.seedHash } : {}),
  };
}

function toVersion(doc: Record<string, unknown>): FormVersion {
  return {
    id: String(doc._id),
    formKey: String(doc.formKey),
    version: Number(doc.version),
    json: String(doc.json),
    contentHash: String(doc.contentHash),
    savedAt: new Date(doc.savedAt as Date),
    savedBy: String(doc.savedBy),
    source: doc.source === 'file' ? 'file' : 'editor',
  };
}
