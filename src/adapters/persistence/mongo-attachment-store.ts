import { Schema, type Connection, type Model } from 'mongoose';
import type { AttachmentStore, StoredAttachment } from '../../app/attachment-service.js';
import { ignoreDuplicate, modelOn } from './models.js';

/** Bytes per chunk document (as GridFS's default: well under the 16 MB document limit). */
export const CHUNK_BYTES = 255 * 1024;
/** Chunks read at once. */
const READ_BATCH = 4;
/** Most chunks one file may have (bounds the read loop whatever the metadata says). */
const MAX_CHUNKS = 4096;

const plain = { versionKey: false, strict: true, minimize: false } as const;

const metaSchema = new Schema(
  {
    _id: String,
    instanceId: String,
    name: String,
    size: Number,
    contentType: String,
    visibility: String,
    uploadedBy: String,
    uploadedAt: Date,
    sha256: String,
    chunks: Number,
  },
  { ...plain, collection: 'attachments' },
);

const chunkSchema = new Schema({ _id: String, data: Buffer }, { ...plain, collection: 'attachment_chunks' });

/**
 * Files as `_id`-keyed documents (docs/adr/0024): chunks `attachment_chunks` `_id` = `<fileId>:<n>`
 * (255 KiB each), then the metadata `attachments` `_id` = fileId, written last, so an upload that
 * stopped half-way is never visible (its orphan chunks are harmless). Every read is an `_id`
 * lookup: GridFS's `files_id` filter would make FerretDB v1 decode every chunk of every file.
 */
export class MongoAttachmentStore implements AttachmentStore {
  private readonly meta: Model<Record<string, unknown>>;
  private readonly chunks: Model<Record<string, unknown>>;

  constructor(connection: Connection) {
    this.meta = modelOn(connection, 'Attachment', metaSchema);
    this.chunks = modelOn(connection, 'AttachmentChunk', chunkSchema);
  }

  async save(meta: StoredAttachment, bytes: Buffer): Promise<void> {
    const count = Math.max(1, Math.ceil(bytes.length / CHUNK_BYTES));
    for (let n = 0; n < count; n++) {
      const data = bytes.subarray(n * CHUNK_BYTES, (n + 1) * CHUNK_BYTES);
      await ignoreDuplicate(this.chunks.collection.insertOne({ _id: `${meta.id}:${n}`, data } as never));
    }
    await this.meta.collection.insertOne({ ...toDoc(meta), chunks: count } as never);
  }

  async describe(id: string): Promise<StoredAttachment | null> {
    const doc = await this.meta.findById(id).lean();
    return doc ? fromDoc(doc) : null;
  }

  async remove(id: string): Promise<void> {
    const doc = await this.meta.findById(id, { chunks: 1 }).lean();
    if (!doc) return;
    // Metadata first: the file is invisible from then on, whatever happens to its chunks.
    await this.meta.collection.deleteOne({ _id: id as never });
    const count = Math.min(Number(doc.chunks ?? 0), MAX_CHUNKS);
    for (let n = 0; n < count; n++) await this.chunks.collection.deleteOne({ _id: `${id}:${n}` as never });
  }

  async read(meta: StoredAttachment): Promise<Buffer> {
    const doc = await this.meta.findById(meta.id, { chunks: 1 }).lean();
    const count = Math.min(Number(doc?.chunks ?? 0), MAX_CHUNKS);
    const parts: Buffer[] = [];
    for (let n = 0; n < count; n += READ_BATCH) {
      const ids = Array.from({ length: Math.min(READ_BATCH, count - n) }, (_, k) => `${meta.id}:${n + k}`);
      const rows = await Promise.all(ids.map((id) => this.chunks.collection.findOne({ _id: id as never })));
      rows.forEach((row, k) => {
        if (!row) throw new Error(`attachment <${meta.id}> is missing chunk ${n + k}`);
        parts.push(toBuffer(row.data));
      });
    }
    return Buffer.concat(parts);
  }
}

function toDoc(meta: StoredAttachment): Record<string, unknown> {
  const { id, ...rest } = meta;
  return { _id: id, ...rest };
}

function fromDoc(doc: Record<string, unknown>): StoredAttachment {
  return {
    id: String(doc._id),
    instanceId: String(doc.instanceId),
    name: String(doc.name),
    size: Number(doc.size),
    contentType: String(doc.contentType),
    visibility: doc.visibility === 'public' ? 'public' : 'internal',
    uploadedBy: String(doc.uploadedBy),
    uploadedAt: new Date(doc.uploadedAt as string),
    sha256: String(doc.sha256),
  };
}

/** The driver answers BSON Binary for raw reads; mongoose lean answers Buffer-like values. */
function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value && typeof value === 'object' && 'buffer' in value) {
    const inner = (value as { buffer: unknown }).buffer;
    if (inner instanceof Uint8Array) return Buffer.from(inner);
  }
  if (value instanceof Uint8Array) return Buffer.from(value);
  throw new Error('attachment chunk has no binary data');
}
