import type { Account } from '../domain/account.js';

/** Stored accounts, keyed by `id` (the lowercased username). */
export interface AccountRepository {
  findById(id: string): Promise<Account | null>;
  list(): Promise<Account[]>;
  count(): Promise<number>;
  /** Inserts a new account; throws ACCOUNT_EXISTS when the id is taken (atomic on `_id`). */
  insert(account: Account): Promise<void>;
  /** Replaces a stored account; throws ACCOUNT_NOT_FOUND when it is gone. */
  replace(account: Account): Promise<void>;
}

/** Slow, salted password hashing. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** True when the password matches; with no hash, still spends the time of a real check. */
  verify(password: string, hash: string | undefined): Promise<boolean>;
}

/** A stored web session; `id` is the SHA-256 of the token the cookie carries. */
export interface SessionRecord {
  readonly id: string;
  readonly accountId: string;
  readonly csrfToken: string;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
}

/** Stored web sessions. */
export interface SessionRepository {
  insert(session: SessionRecord): Promise<void>;
  findById(id: string): Promise<SessionRecord | null>;
  touch(id: string, lastSeenAt: Date): Promise<void>;
  delete(id: string): Promise<void>;
  deleteForAccount(accountId: string): Promise<void>;
  /** Deletes sessions idle since `idleBefore` or created before `createdBefore`; returns how many. */
  deleteExpired(idleBefore: Date, createdBefore: Date): Promise<number>;
}
