/** Ports of the public portal (docs/adr/0026). */
import type { PortalRequest, PortalTicket } from '../domain/portal.js';
import type { ThrottleCounter, ThrottleCounterStore } from './account-ports.js';

/** The login throttle's counters, plus taking many slots of one counter in one pass (file bytes). */
export interface PortalCounterStore extends ThrottleCounterStore {
  /**
   * Takes up to `count` free slots of `counter` (1..limit), trying each slot at most once, and
   * returns their numbers; when fewer than `count` were free it marks the counter full (the slots
   * taken stay taken).
   */
  reserveMany(counter: ThrottleCounter, limit: number, count: number): Promise<number[]>;
}

/** Pending portal submissions, every access by `_id` (the token's sha256). */
export interface PortalRequestStore {
  /**
   * Stores a new request (ids are random: a duplicate is a bug, not a race), with the ids of the
   * files its form carried: they stay pending until the request opens its ticket.
   */
  insert(request: PortalRequest, fileIds?: readonly string[]): Promise<void>;
  find(id: string): Promise<PortalRequest | null>;
  /** Records the ticket the request opened (idempotent: the same ticket every time); its files are the ticket's now. */
  markOpened(id: string, ticket: PortalTicket): Promise<void>;
  /** Up to `limit` unopened requests that expired before `before` and still hold pending files. */
  pendingFiles(
    before: Date,
    limit: number,
  ): Promise<{ readonly id: string; readonly email: string; readonly fileIds: string[] }[]>;
  /** Records that a request's pending files were deleted. */
  filesDropped(id: string): Promise<void>;
  delete(id: string): Promise<void>;
  /** Deletes requests whose `purgeAfter` passed; returns how many. */
  purge(now: Date): Promise<number>;
}

/** One plain-text mail to one requester, sent now (the confirmation link; there is no ticket yet). */
export interface PortalMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly language: string;
  /** Stable id of the mail (its Message-ID part). */
  readonly id: string;
}

/** Sends a portal mail; rejects when the server did not take it. */
export interface PortalMailer {
  send(mail: PortalMail): Promise<void>;
}
