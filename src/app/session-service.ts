import { createHash, randomBytes } from 'node:crypto';
import type { AccountView } from '../domain/account.js';
import type { Clock } from '../domain/clock.js';
import type { SessionRecord, SessionRepository } from './account-ports.js';
import type { AccountService } from './account-service.js';

/** Session lifetimes. */
export interface SessionPolicy {
  /** A session unused for this long is over. */
  readonly idleTimeoutMs: number;
  /** A session older than this is over, however busy. */
  readonly absoluteTimeoutMs: number;
}

/** A live session and its account. */
export interface ActiveSession {
  readonly session: SessionRecord;
  readonly account: AccountView;
}

/** Writing `lastSeenAt` on every request would double the writes; a minute's precision is plenty. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Web sessions kept in the database. The browser holds a random token; only its
 * SHA-256 is stored, so a leaked sessions collection cannot be replayed.
 */
export class SessionService {
  constructor(
    private readonly deps: {
      readonly repository: SessionRepository;
      readonly accounts: AccountService;
      readonly clock: Clock;
      readonly policy: SessionPolicy;
    },
  ) {}

  /** Starts a session for the account; returns the token for the cookie. */
  async start(accountId: string): Promise<{ token: string; session: SessionRecord }> {
    const token = randomToken();
    const now = this.deps.clock.now();
    const session: SessionRecord = {
      id: hashToken(token),
      accountId,
      csrfToken: randomToken(),
      createdAt: now,
      lastSeenAt: now,
    };
    await this.deps.repository.insert(session);
    return { token, session };
  }

  /** The live session of a token, or null (unknown, expired — then deleted — or account disabled). */
  async resume(token: string): Promise<ActiveSession | null> {
    const id = hashToken(token);
    const session = await this.deps.repository.findById(id);
    if (!session) return null;
    const now = this.deps.clock.now().getTime();
    const { idleTimeoutMs, absoluteTimeoutMs } = this.deps.policy;
    if (
      now - session.lastSeenAt.getTime() > idleTimeoutMs ||
      now - session.createdAt.getTime() > absoluteTimeoutMs
    ) {
      await this.deps.repository.delete(id);
      return null;
    }
    const account = await this.deps.accounts.activeAccount(session.accountId);
    if (!account) return null;
    if (now - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
      await this.deps.repository.touch(id, new Date(now));
    }
    return { session, account };
  }

  /** Ends the session of a token (logout). */
  async end(token: string): Promise<void> {
    await this.deps.repository.delete(hashToken(token));
  }

  /** Ends every session of an account (password reset, disabling). */
  async endAllFor(accountId: string): Promise<void> {
    await this.deps.repository.deleteForAccount(accountId);
  }

  /** Deletes expired sessions; returns how many. */
  async cleanup(): Promise<number> {
    const now = this.deps.clock.now().getTime();
    return this.deps.repository.deleteExpired(
      new Date(now - this.deps.policy.idleTimeoutMs),
      new Date(now - this.deps.policy.absoluteTimeoutMs),
    );
  }
}

/** 256 random bits, URL-safe. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
