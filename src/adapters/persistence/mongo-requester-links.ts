import { Schema, type Connection, type Model } from 'mongoose';
import type { RequesterLinkStore } from '../../app/requester-links.js';
import type { SurveyAnswerStore } from '../../app/satisfaction-survey.js';
import type { LinkRevocation, RequesterLink } from '../../domain/requester-link.js';
import type { SurveyAnswer } from '../../domain/satisfaction-survey.js';
import { isDuplicateKey, modelOn } from './models.js';

const plain = { versionKey: false, strict: true, minimize: false } as const;

const tokenSchema = new Schema(
  {
    _id: String,
    purpose: String,
    instanceId: String,
    email: String,
    createdAt: Date,
    expiresAt: Date,
    usedAt: Date,
  },
  { ...plain, collection: 'requester_tokens' },
);
const revocationSchema = new Schema(
  { _id: String, revokedAt: Date, by: String },
  { ...plain, collection: 'requester_revocations' },
);
const answerSchema = new Schema(
  { _id: String, rating: Number, comment: String, via: String, at: Date, by: String },
  { ...plain, collection: 'survey_answers' },
);

type Doc = Record<string, unknown>;

/**
 * Requester links, their per-ticket revocation instant and the survey answers (docs/adr/0025).
 * `requester_tokens._id` = SHA-256 hex of the token; `requester_revocations._id` and
 * `survey_answers._id` = instance id. Only `_id` reads and writes; a survey answer is an insert,
 * so of two answers to one ticket (any process) exactly one is stored.
 */
export class MongoRequesterLinks implements RequesterLinkStore, SurveyAnswerStore {
  private readonly tokens: Model<Doc>;
  private readonly revocations: Model<Doc>;
  private readonly answers: Model<Doc>;

  constructor(connection: Connection) {
    this.tokens = modelOn(connection, 'RequesterToken', tokenSchema);
    this.revocations = modelOn(connection, 'RequesterRevocation', revocationSchema);
    this.answers = modelOn(connection, 'SurveyAnswer', answerSchema);
  }

  async insert(link: RequesterLink): Promise<boolean> {
    const { id, ...rest } = link;
    return insertOnce(this.tokens, { _id: id, ...rest });
  }

  async find(id: string): Promise<RequesterLink | null> {
    const doc = await this.tokens.findById(id).lean<Doc>();
    if (!doc) return null;
    return {
      id: String(doc._id),
      purpose: doc.purpose === 'survey' ? 'survey' : 'track',
      instanceId: String(doc.instanceId),
      email: String(doc.email),
      createdAt: new Date(doc.createdAt as Date),
      expiresAt: new Date(doc.expiresAt as Date),
      ...(doc.usedAt ? { usedAt: new Date(doc.usedAt as Date) } : {}),
    };
  }

  async markUsed(id: string, at: Date): Promise<void> {
    await this.tokens.updateOne({ _id: id }, { $set: { usedAt: at } }).exec();
  }

  async revocation(instanceId: string): Promise<LinkRevocation | null> {
    const doc = await this.revocations.findById(instanceId).lean<Doc>();
    return doc ? { instanceId, revokedAt: new Date(doc.revokedAt as Date), by: String(doc.by) } : null;
  }

  async revoke(revocation: LinkRevocation): Promise<void> {
    const { instanceId, revokedAt, by } = revocation;
    try {
      await this.revocations.replaceOne({ _id: instanceId }, { revokedAt, by }, { upsert: true }).exec();
    } catch (error) {
      // Two revocations at once (FerretDB upserts are not atomic): the other one stands, just as late.
      if (!isDuplicateKey(error)) throw error;
    }
  }

  async insertAnswer(instanceId: string, answer: SurveyAnswer): Promise<boolean> {
    return insertOnce(this.answers, { _id: instanceId, ...answer });
  }

  async removeAnswer(instanceId: string): Promise<void> {
    await this.answers.deleteOne({ _id: instanceId }).exec();
  }

  async answerOf(instanceId: string): Promise<SurveyAnswer | null> {
    const doc = await this.answers.findById(instanceId).lean<Doc>();
    if (!doc) return null;
    return {
      rating: Number(doc.rating),
      comment: String(doc.comment ?? ''),
      via: doc.via === 'paper' ? 'paper' : 'link',
      at: new Date(doc.at as Date),
      by: String(doc.by),
    };
  }
}

async function insertOnce(model: Model<Doc>, doc: Doc): Promise<boolean> {
  try {
    await model.create(doc);
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}
