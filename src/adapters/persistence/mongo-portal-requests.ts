import { Schema, type Connection, type Model } from 'mongoose';
import type { PortalRequestStore } from '../../app/portal-ports.js';
import type { PortalRequest, PortalTicket } from '../../domain/portal.js';
import { modelOn } from './models.js';

// `_id` is the sha256 (hex) of the confirmation token: the token is never stored, and every read or
// write of the portal goes by `_id` (docs/adr/0026). `purgeAfter` is read only by the purge.
const requestSchema = new Schema(
  {
    _id: String,
    procedureId: { type: String, required: true },
    email: { type: String, required: true },
    language: { type: String, required: true },
    data: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    purgeAfter: { type: Date, required: true },
    ticket: { type: Schema.Types.Mixed },
    // Files of the portal form (docs/adr/0032): set while unopened; the expiry sweep deletes them.
    fileIds: { type: [String], default: undefined },
    filesPending: { type: Boolean },
  },
  { versionKey: false, strict: true, minimize: false, collection: 'portal_requests' },
);

interface RequestDoc {
  _id: string;
  procedureId: string;
  email: string;
  language: string;
  data: Record<string, unknown>;
  createdAt: Date;
  expiresAt: Date;
  purgeAfter: Date;
  ticket?: PortalTicket | null;
  fileIds?: string[];
  filesPending?: boolean;
}

/** Pending portal submissions in `portal_requests`. */
export class MongoPortalRequests implements PortalRequestStore {
  private readonly model: Model<Record<string, unknown>>;

  constructor(connection: Connection) {
    this.model = modelOn(connection, 'PortalRequest', requestSchema);
  }

  async insert(request: PortalRequest, fileIds: readonly string[] = []): Promise<void> {
    const { id, ticket: _ticket, ...rest } = request;
    const files = fileIds.length > 0 ? { fileIds: [...fileIds], filesPending: true } : {};
    await this.model.create({ _id: id, ...rest, ...files });
  }

  async find(id: string): Promise<PortalRequest | null> {
    const doc = (await this.model.findById(id).lean()) as RequestDoc | null;
    if (!doc) return null;
    const { _id, ticket, fileIds: _files, filesPending: _pending, ...rest } = doc;
    return { id: _id, ...rest, ...(ticket ? { ticket } : {}) };
  }

  async markOpened(id: string, ticket: PortalTicket): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { ticket }, $unset: { filesPending: 1 } });
  }

  async pendingFiles(
    before: Date,
    limit: number,
  ): Promise<{ id: string; email: string; fileIds: string[] }[]> {
    // Background sweep only (like `purge`): the one other filter than `_id`.
    const docs = (await this.model
      .find({ filesPending: true, expiresAt: { $lte: before } }, { fileIds: 1, email: 1 })
      .limit(limit)
      .lean()) as unknown as Pick<RequestDoc, '_id' | 'email' | 'fileIds'>[];
    return docs.map((doc) => ({ id: doc._id, email: doc.email, fileIds: doc.fileIds ?? [] }));
  }

  async filesDropped(id: string): Promise<void> {
    await this.model.updateOne({ _id: id }, { $unset: { filesPending: 1 } });
  }

  async delete(id: string): Promise<void> {
    await this.model.deleteOne({ _id: id });
  }

  async purge(now: Date): Promise<number> {
    return (await this.model.deleteMany({ purgeAfter: { $lte: now } })).deletedCount;
  }
}
