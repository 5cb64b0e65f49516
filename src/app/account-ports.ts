import type { Account } from '../domain/account.js';
import type { FieldIssue } from '../domain/errors.js';

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

/** Password strength rules beyond length (common passwords, the owner's own words). */
export interface PasswordPolicy {
  /** Issues on the `password` field, with the reason and advice; empty when strong enough. */
  issues(password: string, personalWords: readonly string[]): Promise<FieldIssue[]>;
}

/** One login-throttle counter: a kind (e.g. `user`), its key and the fixed window it counts in. */
export interface ThrottleCounter {
  readonly kind: string;
  readonly key: string;
  readonly windowStart: Date;
  readonly windowEnd: Date;
}

/**
 * Login-throttle counters shared by every app process. A counter of limit L is L
 * slots, each taken by one attempt at most (an insert by unique id, the one atomic
 * write FerretDB v1 has); every read and write goes by id (no scans on the login path).
 */
export interface ThrottleCounterStore {
  /** True when the counter was found full and no slot was given back since. */
  isFull(counter: ThrottleCounter): Promise<boolean>;
  /** Takes a free slot (1..limit) and returns its number; null when all are taken (then marks it full). */
  reserve(counter: ThrottleCounter, limit: number): Promise<number | null>;
  /** Gives a slot back (and clears the full mark). */
  release(counter: ThrottleCounter, slot: number): Promise<void>;
  /** Deletes the slots and marks of windows that ended at or before `now`; returns how many. */
  deleteExpired(now: Date): Promise<number>;
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
