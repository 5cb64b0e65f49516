/**
 * The public portal's pending requests (docs/adr/0026): a requester fills a procedure's
 * `portalForm`, gets a one-time link by email, and the ticket is opened only when the link is
 * followed. Nothing here touches the clock or the database.
 */
import { createHash } from 'node:crypto';

/** How long a confirmation link works. */
export const PORTAL_LINK_TTL_MS = 24 * 3_600_000;
/** How long a request is kept after its link expired (so a late click on an opened one still shows its ticket). */
export const PORTAL_KEEP_MS = 7 * 24 * 3_600_000;
/** Random bytes of a confirmation token (base64url: 43 characters). */
export const PORTAL_TOKEN_BYTES = 32;
/** Tokens as they appear in links. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The ticket a confirmed request opened. */
export interface PortalTicket {
  readonly instanceId: string;
  readonly businessKey: string;
}

/** A submission waiting for its requester to follow the link; `_id` is the token's sha256. */
export interface PortalRequest {
  readonly id: string;
  readonly procedureId: string;
  /** The requester's verified-to-be address (the form's requester email field). */
  readonly email: string;
  /** The language the requester used (es/it/en): the confirmation pages and mail. */
  readonly language: string;
  /** Accepted values of the portal form, as the form validator returned them. */
  readonly data: Record<string, unknown>;
  readonly createdAt: Date;
  /** The link works until then. */
  readonly expiresAt: Date;
  /** Deleted by the purge after then. */
  readonly purgeAfter: Date;
  /** Set once the ticket is opened. */
  readonly ticket?: PortalTicket;
}

/** The `_id` of a token's request: its sha256 in hex (the token itself is never stored). */
export function portalRequestId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** True for a string shaped like a confirmation token (checked before any lookup). */
export function isPortalToken(value: unknown): value is string {
  return typeof value === 'string' && TOKEN.test(value);
}

/**
 * The idempotency key of the ticket a request opens: derived from the request, so a double
 * click, a retry or two app processes confirming at once open one ticket.
 */
export function portalIdempotencyKey(requestId: string): string {
  return `portal-${requestId}`;
}

/** The state of a request at `now`. */
export function portalRequestState(request: PortalRequest, now: Date): 'opened' | 'pending' | 'expired' {
  if (request.ticket) return 'opened';
  return now.getTime() < request.expiresAt.getTime() ? 'pending' : 'expired';
}

/** `ana@example.org` → `a…@example.org`, for pages that confirm where the link went. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '…';
  return `${email.slice(0, 1)}…${email.slice(at)}`;
}
