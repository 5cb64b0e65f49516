import type { Connection } from 'mongoose';
import type { SessionRecord, SessionRepository } from '../../app/account-ports.js';
import { accountModels, type AccountModels } from './account-models.js';

/** Web sessions in the `sessions` collection, `_id` = SHA-256 of the token. */
export class MongoSessionRepository implements SessionRepository {
  private readonly models: AccountModels;

  constructor(connection: Connection) {
    this.models = accountModels(connection);
  }

  async insert(session: SessionRecord): Promise<void> {
    const { id, ...rest } = session;
    await this.models.sessions.create({ _id: id, ...rest });
  }

  async findById(id: string): Promise<SessionRecord | null> {
    const doc = await this.models.sessions.findById(id).lean();
    if (!doc) return null;
    return {
      id: String(doc._id),
      accountId: String(doc.accountId),
      csrfToken: String(doc.csrfToken),
      createdAt: doc.createdAt as Date,
      lastSeenAt: doc.lastSeenAt as Date,
    };
  }

  async touch(id: string, lastSeenAt: Date): Promise<void> {
    await this.models.sessions.updateOne({ _id: id }, { $set: { lastSeenAt } });
  }

  async delete(id: string): Promise<void> {
    await this.models.sessions.deleteOne({ _id: id });
  }

  async deleteForAccount(accountId: string): Promise<void> {
    await this.models.sessions.deleteMany({ accountId });
  }

  async deleteExpired(idleBefore: Date, createdBefore: Date): Promise<number> {
    const result = await this.models.sessions.deleteMany({
      $or: [{ lastSeenAt: { $lt: idleBefore } }, { createdAt: { $lt: createdBefore } }],
    });
    return result.deletedCount;
  }
}
