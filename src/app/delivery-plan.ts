/** Pure decisions of email delivery: what to do next with a message, given its attempts. */
import { CLOSED_MAIL_POLICY, type MailPolicy } from '../domain/mail-policy.js';
import type { AttemptResult, DeliveryAttempt, FinalOutcome } from './notification-ports.js';

/** Retry tuning of the dispatcher, and who may receive mail. */
export interface DeliveryPolicy {
  /** How long a claimed attempt without result blocks others (longer than the SMTP timeouts). */
  readonly leaseMs: number;
  /** Failed attempts before the message is given up as undeliverable. */
  readonly maxAttempts: number;
  /** Delay before retrying after failed attempt `attempt` (1-based). */
  backoffMs(attempt: number): number;
  /** Messages older than this are not sent any more (a stale "ticket registered" helps nobody). */
  readonly expireAfterMs: number;
  /** Allowed recipients (docs/adr/0012): a message to anyone else is undeliverable, `recipient not allowed`. */
  readonly recipients: MailPolicy;
}

/** Exponential backoff: `baseMs`, 2×, 4×, … capped at `capMs`. */
export function exponentialBackoff(baseMs: number, capMs: number): (attempt: number) => number {
  return (attempt) => Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * Defaults: 2-minute lease, 8 attempts, 30 s → 1 h backoff, 3-day expiry; mail only to the
 * requester and directory groups (no literal address, no copies) until a policy is configured.
 */
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  leaseMs: 120_000,
  maxAttempts: 8,
  backoffMs: exponentialBackoff(30_000, 3_600_000),
  expireAfterMs: 3 * 24 * 3_600_000,
  recipients: CLOSED_MAIL_POLICY,
};

/** The next step for one pending message. */
export type NextStep =
  /** Someone holds an unexpired attempt, or the backoff has not elapsed. */
  | { readonly kind: 'wait' }
  /** A final result was recorded but its outcome was not (crash in between): record it now. */
  | { readonly kind: 'finish'; readonly outcome: FinalOutcome }
  /** Claim and run this attempt number. */
  | { readonly kind: 'attempt'; readonly attempt: number };

/** Decides the next step from the attempts so far (in attempt order). */
export function nextStep(attempts: readonly DeliveryAttempt[], now: Date): NextStep {
  const final = finalOutcome(attempts);
  if (final) return { kind: 'finish', outcome: final };
  const last = attempts.at(-1);
  if (!last) return { kind: 'attempt', attempt: 1 };
  // Only failed or unfinished attempts are left here: retry after the backoff or the lease.
  const until = last.result?.outcome === 'failed' ? last.result.retryAt : last.leaseUntil;
  return until.getTime() > now.getTime() ? { kind: 'wait' } : { kind: 'attempt', attempt: last.attempt + 1 };
}

/** The final outcome recorded on some attempt, if any (sent wins over undeliverable). */
export function finalOutcome(attempts: readonly DeliveryAttempt[]): FinalOutcome | undefined {
  const sent = attempts.find((a) => a.result?.outcome === 'sent');
  const done = sent ?? attempts.find((a) => a.result?.outcome === 'undeliverable');
  return done?.result ? toFinal(done.attempt, done.result) : undefined;
}

/** The final outcome an attempt result stands for (none for a failed attempt). */
export function toFinal(attempt: number, result: AttemptResult): FinalOutcome | undefined {
  if (result.outcome === 'sent')
    return { state: 'sent', attempt, at: result.at, smtpMessageId: result.smtpMessageId };
  if (result.outcome === 'undeliverable')
    return { state: 'undeliverable', attempt, at: result.at, reason: result.reason };
  return undefined;
}

/** The result of a failed send: retried after the backoff, or given up after the last attempt. */
export function failure(attempt: number, error: string, now: Date, policy: DeliveryPolicy): AttemptResult {
  if (attempt >= policy.maxAttempts)
    return { outcome: 'undeliverable', at: now, reason: `gave up after ${attempt} attempts: ${error}` };
  return { outcome: 'failed', at: now, error, retryAt: new Date(now.getTime() + policy.backoffMs(attempt)) };
}
