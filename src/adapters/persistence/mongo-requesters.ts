import { Schema, type Connection, type Model } from 'mongoose';
import type { RequesterStore } from '../../app/requester-directory.js';
import { AppError } from '../../domain/errors.js';
import type { Requester } from '../../domain/requester.js';
import { isDuplicateKey, modelOn } from './models.js';

const plain = { versionKey: false, strict: false, minimize: false } as const;

// `_id` is a generated id; read by `_id`, or all at once (bounded) for the name search.
const requesterSchema = new Schema({ _id: String }, { ...plain, collection: 'requesters' });
// `_id` is `email:<normalised>` or `phone:<digits>`: a lookup is one `_id` read.
const keySchema = new Schema(
  { _id: String, requesterId: String },
  { ...plain, collection: 'requester_keys' },
);

/** Requesters and their lookup keys on MongoDB / FerretDB (docs/adr/0030). */
export class MongoRequesterStore implements RequesterStore {
  private readonly requesters: Model<Record<string, unknown>>;
  private readonly keys: Model<Record<string, unknown>>;

  constructor(connection: Connection) {
    this.requesters = modelOn(connection, 'Requester', requesterSchema);
    this.keys = modelOn(connection, 'RequesterKey', keySchema);
  }

  async get(id: string): Promise<Requester | undefined> {
    const doc = await this.requesters.findById(id).lean();
    return doc ? toRequester(doc) : undefined;
  }

  async insert(requester: Requester): Promise<void> {
    try {
      await this.requesters.create(toDoc(requester));
    } catch (error) {
      if (isDuplicateKey(error)) throw new AppError('CONFLICT', `requester <${requester.id}> already exists`);
      throw error;
    }
  }

  async replace(requester: Requester, expectedVersion: number): Promise<boolean> {
    const result = await this.requesters.replaceOne(
      { _id: requester.id, version: expectedVersion },
      toDoc(requester),
    );
    return result.matchedCount === 1;
  }

  async keyOwner(key: string): Promise<string | undefined> {
    const doc = await this.keys.findById(key).lean();
    return typeof doc?.requesterId === 'string' ? doc.requesterId : undefined;
  }

  async claimKey(key: string, requesterId: string): Promise<string> {
    try {
      await this.keys.create({ _id: key, requesterId });
      return requesterId;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    return (await this.keyOwner(key)) ?? requesterId;
  }

  async releaseKey(key: string, requesterId: string): Promise<void> {
    await this.keys.deleteOne({ _id: key, requesterId });
  }

  async scan(limit: number): Promise<Requester[]> {
    const docs = await this.requesters.find().limit(limit).lean();
    return docs.map(toRequester);
  }
}

function toDoc(requester: Requester): Record<string, unknown> {
  const { id, ...rest } = requester;
  return {
    _id: id,
    ...rest,
    emails: [...rest.emails],
    phones: [...rest.phones],
    identifiers: rest.identifiers.map((i) => ({ kind: i.kind, value: i.value })),
    tickets: rest.tickets.map((t) => ({ ...t })),
  };
}

function toRequester(doc: Record<string, unknown>): Requester {
  const { _id, ...rest } = doc;
  const value = rest as unknown as Omit<Requester, 'id'>;
  return {
    ...value,
    id: String(_id),
    emails: value.emails ?? [],
    phones: value.phones ?? [],
    identifiers: value.identifiers ?? [],
    tickets: (value.tickets ?? []).map((t) => ({ ...t, openedAt: new Date(t.openedAt) })),
    institutional: value.institutional === true,
  };
}
