import { Schema, type Connection, type Model } from 'mongoose';
import type { DirectoryRepository, StoredGroup } from '../../app/directory-service.js';
import type { DirectoryChange, DirectoryGroup } from '../../domain/directory.js';
import { isDuplicateKey, modelOn } from './models.js';

const plain = { versionKey: false, strict: true, minimize: false } as const;

// `_id` is the group id; the few groups are read by `_id` or all at once (then cached).
const groupSchema = new Schema(
  {
    _id: String,
    name: String,
    addresses: [String],
    updatedAt: Date,
    updatedBy: String,
    version: { type: Number, required: true },
    changes: [{ _id: false, groupId: String, at: Date, actor: String, before: [String], after: [String] }],
  },
  { ...plain, collection: 'directory_groups' },
);

/** Directory groups in the `directory_groups` collection (docs/adr/0021-seed-fidelity.md). */
export class MongoDirectoryRepository implements DirectoryRepository {
  private readonly groups: Model<Record<string, unknown>>;

  constructor(connection: Connection) {
    this.groups = modelOn(connection, 'DirectoryGroup', groupSchema);
  }

  async list(): Promise<StoredGroup[]> {
    return (await this.groups.find().lean()).map(toGroup);
  }

  async get(id: string): Promise<StoredGroup | null> {
    const doc = await this.groups.findById(id).lean();
    return doc ? toGroup(doc) : null;
  }

  async insertMissing(groups: readonly DirectoryGroup[]): Promise<number> {
    const docs = groups.map((group) => ({
      _id: group.id,
      ...(group.name ? { name: group.name } : {}),
      addresses: [...group.addresses],
      version: 0,
      changes: [],
    }));
    try {
      await this.groups.insertMany(docs);
      return docs.length;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    // Another process seeded meanwhile: insert one by one, a duplicate `_id` is not an error.
    let inserted = 0;
    for (const doc of docs) {
      try {
        await this.groups.create(doc);
        inserted += 1;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
    return inserted;
  }

  async save(group: StoredGroup, expectedVersion: number): Promise<boolean> {
    const result = await this.groups.updateOne(
      { _id: group.id, version: expectedVersion },
      {
        $set: {
          addresses: [...group.addresses],
          updatedAt: group.updatedAt,
          updatedBy: group.updatedBy,
          version: group.version,
          changes: group.changes.map((change) => ({
            ...change,
            before: [...change.before],
            after: [...change.after],
          })),
        },
      },
    );
    return result.matchedCount === 1;
  }
}

function toGroup(doc: Record<string, unknown>): StoredGroup {
  const changes = Array.isArray(doc.changes) ? (doc.changes as DirectoryChange[]) : [];
  return {
    id: String(doc._id),
    ...(typeof doc.name === 'string' ? { name: doc.name } : {}),
    addresses: Array.isArray(doc.addresses) ? (doc.addresses as string[]) : [],
    ...(doc.updatedAt instanceof Date ? { updatedAt: doc.updatedAt } : {}),
    ...(typeof doc.updatedBy === 'string' ? { updatedBy: doc.updatedBy } : {}),
    version: typeof doc.version === 'number' ? doc.version : 0,
    changes: changes.map((change) => ({
      groupId: change.groupId,
      at: new Date(change.at),
      actor: change.actor,
      before: change.before ?? [],
      after: change.after ?? [],
    })),
  };
}
