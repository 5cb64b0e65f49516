import type { Connection } from 'mongoose';
import type { AccountRepository } from '../../app/account-ports.js';
import type { Account, Language } from '../../domain/account.js';
import type { Role } from '../../domain/actor.js';
import { AppError } from '../../domain/errors.js';
import { accountModels, type AccountModels } from './account-models.js';
import { isDuplicateKey } from './models.js';

/** Accounts in the `accounts` collection, `_id` = account id. */
export class MongoAccountRepository implements AccountRepository {
  private readonly models: AccountModels;

  constructor(connection: Connection) {
    this.models = accountModels(connection);
  }

  async findById(id: string): Promise<Account | null> {
    const doc = await this.models.accounts.findById(id).lean();
    return doc ? toAccount(doc) : null;
  }

  async list(): Promise<Account[]> {
    const docs = await this.models.accounts.find().lean();
    return docs.map(toAccount);
  }

  count(): Promise<number> {
    return this.models.accounts.estimatedDocumentCount();
  }

  async insert(account: Account): Promise<void> {
    try {
      await this.models.accounts.create(toDoc(account));
    } catch (error) {
      if (isDuplicateKey(error))
        throw new AppError('ACCOUNT_EXISTS', `account <${account.id}> already exists`);
      throw error;
    }
  }

  async replace(account: Account): Promise<void> {
    const result = await this.models.accounts.replaceOne({ _id: account.id }, toDoc(account));
    if (result.matchedCount === 0)
      throw new AppError('ACCOUNT_NOT_FOUND', `account <${account.id}> not found`);
  }
}

function toDoc(account: Account): Record<string, unknown> {
  const { id, ...rest } = account;
  return { _id: id, ...rest, roles: [...account.roles], groups: [...account.groups] };
}

function toAccount(doc: Record<string, unknown>): Account {
  return {
    id: String(doc._id),
    username: String(doc.username),
    displayName: String(doc.displayName ?? doc.username),
    ...(typeof doc.email === 'string' && doc.email ? { email: doc.email } : {}),
    roles: (doc.roles as Role[] | undefined) ?? [],
    groups: (doc.groups as string[] | undefined) ?? [],
    language: (doc.language as Language | undefined) ?? 'en',
    disabled: doc.disabled === true,
    passwordHash: String(doc.passwordHash),
    createdAt: doc.createdAt as Date,
    updatedAt: doc.updatedAt as Date,
  };
}
