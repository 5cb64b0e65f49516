/**
 * Requester links (docs/adr/0025-requester-links.md): a link grants its holder one ticket, for one
 * purpose (`track`: the tracking page; `survey`: one satisfaction answer), until it expires or a
 * supervisor revokes the ticket's links. Only the SHA-256 of a token is ever stored.
 */
import { createHash } from 'node:crypto';
import { AppError } from './errors.js';
import { REQUESTER_EMAIL_KEYS } from './mail-policy.js';

/** What a link lets its holder do. */
export type LinkPurpose = 'track' | 'survey';

/** A stored link (`requester_tokens`, `_id` = SHA-256 hex of the token). */
export interface RequesterLink {
  /** SHA-256 hex of the token. */
  readonly id: string;
  readonly purpose: LinkPurpose;
  readonly instanceId: string;
  /** The requester's address the link was sent to (the audit actor is `requester:<email>`). */
  readonly email: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  /** Survey links: when the answer was given (single use). */
  readonly usedAt?: Date;
}

/** A supervisor's revocation of every link of a ticket created at or before `revokedAt`. */
export interface LinkRevocation {
  readonly instanceId: string;
  readonly revokedAt: Date;
  readonly by: string;
}

/** Lifetime of a survey link. */
export const SURVEY_LINK_DAYS = 14;
const DAY_MS = 86_400_000;

/** A token as sent: 32 bytes in base64url, 43 characters. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** True when the text has the shape of a token (checked before any database read). */
export function isTokenShaped(token: string): boolean {
  return TOKEN.test(token);
}

/** The stored id of a token: its SHA-256 in hex. */
export function tokenId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** When a link created at `createdAt` expires. */
export function expiryOf(purpose: LinkPurpose, createdAt: Date, trackDays: number): Date {
  const days = purpose === 'survey' ? SURVEY_LINK_DAYS : trackDays;
  return new Date(createdAt.getTime() + days * DAY_MS);
}

/**
 * Checks a stored link for `purpose` at `now`: LINK_INVALID when missing or for another purpose,
 * LINK_EXPIRED (reason `expired`, `revoked` or `used`) otherwise. Returns the link when it works.
 */
export function checkLink(
  link: RequesterLink | null,
  purpose: LinkPurpose,
  revocation: LinkRevocation | null,
  now: Date,
): RequesterLink {
  if (!link) throw invalid('the link is unknown');
  if (link.purpose !== purpose) throw invalid(`the link is a ${link.purpose} link, not a ${purpose} link`);
  if (now.getTime() >= link.expiresAt.getTime())
    throw gone('expired', `the link expired on ${link.expiresAt.toISOString()}`);
  if (revocation && link.createdAt.getTime() <= revocation.revokedAt.getTime())
    throw gone('revoked', 'the links of this ticket were revoked');
  if (purpose === 'survey' && link.usedAt) throw gone('used', 'the survey link was already used');
  return link;
}

/** The requester's email from the instance variables (REQUESTER_EMAIL_KEYS, first non-empty), lowercased. */
export function requesterEmailOf(variables: Record<string, unknown>): string | undefined {
  for (const key of REQUESTER_EMAIL_KEYS) {
    const value = variables[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim().toLowerCase();
  }
  return undefined;
}

function invalid(message: string): AppError {
  return new AppError('LINK_INVALID', message, [{ path: 'token', reason: 'invalid', message }]);
}

function gone(reason: string, message: string): AppError {
  return new AppError('LINK_EXPIRED', message, [{ path: 'token', reason, message }]);
}
