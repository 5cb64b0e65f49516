import type { Clock } from '../domain/clock.js';
import type { ThrottleCounter } from './account-ports.js';
import { counterAt, secondsUntilWindowEnds, type ThrottleRule } from './login-throttle.js';
import type { PortalCounterStore } from './portal-ports.js';

/** The portal's limits on confirmation mails and on file bytes (docs/adr/0026); `maxFailures` 0 turns a rule off. */
export interface PortalThrottlePolicy {
  /** Per client address (one host flooding many addresses). */
  readonly perAddress: ThrottleRule;
  /** Per requester email (one mailbox flooded from many hosts). */
  readonly perEmail: ThrottleRule;
  /** Megabytes of start-form files per client address (`maxFailures` = MB per window). */
  readonly mbPerAddress?: ThrottleRule;
  /** Megabytes of start-form files per requester email. */
  readonly mbPerEmail?: ThrottleRule;
}

/** Whether a submission may go on, and if not, for how long to wait. */
export type PortalVerdict =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly retryAfterSeconds: number;
      readonly limit: 'address' | 'email' | 'address-bytes' | 'email-bytes';
    };

type Limit = Exclude<PortalVerdict, { allowed: true }>['limit'];

const MAX_KEY_LENGTH = 200;
/** Bytes counted by one slot of a byte counter: a 50 MB post takes 10 slots, a 100 MB limit has 20. */
const PORTAL_BYTES_UNIT = 5 * 1024 * 1024;

/**
 * Counts portal submissions that send a confirmation mail, and the bytes of files posted, with the
 * login throttle's counters in the database (slots taken by unique inserts, never `$inc`; ADR
 * 0013), so every app process sees the same counts. Bytes are charged first, on every post with
 * files (valid or not) and kept (they were posted); confirmation mails are charged after
 * validation. A counter found full stays marked full until its window ends, so a refused post
 * costs one read.
 */
export class PortalThrottle {
  constructor(
    private readonly deps: {
      readonly store: PortalCounterStore;
      readonly clock: Clock;
      readonly policy: PortalThrottlePolicy;
    },
  ) {}

  /**
   * Charges `bytes` posted from `address` (already a key) for the typed `email` (undefined when
   * none was typed: the address alone is charged), in units of {@link PORTAL_BYTES_UNIT}, limits
   * rounded up to whole units. Units taken stay taken, even when a later counter refuses.
   */
  async takeBytes(address: string, email: string | undefined, bytes: number): Promise<PortalVerdict> {
    if (!(bytes > 0)) return { allowed: true };
    const now = this.deps.clock.now();
    const units = Math.ceil(bytes / PORTAL_BYTES_UNIT);
    const { mbPerAddress, mbPerEmail } = this.deps.policy;
    const wanted: [Limit, string, string, ThrottleRule | undefined][] = [
      ['address-bytes', 'portal-address-mb', address, mbPerAddress],
    ];
    if (email) wanted.push(['email-bytes', 'portal-email-mb', who(email), mbPerEmail]);
    for (const [limit, kind, key, rule] of wanted) {
      if (!on(rule)) continue;
      const counter = counterAt(kind, key.slice(0, MAX_KEY_LENGTH), rule.windowMs, now);
      const slots = Math.ceil((rule.maxFailures * 1024 * 1024) / PORTAL_BYTES_UNIT);
      if (units > slots || (await this.deps.store.isFull(counter)))
        return { allowed: false, limit, retryAfterSeconds: secondsUntilWindowEnds(counter, now) };
      const taken = await this.deps.store.reserveMany(counter, slots, units);
      if (taken.length < units)
        return { allowed: false, limit, retryAfterSeconds: secondsUntilWindowEnds(counter, now) };
    }
    return { allowed: true };
  }

  /**
   * Takes one confirmation mail for `address` and `email`, or refuses; on a refusal the slots
   * taken from the other counter are given back, the refusing counter stays marked full.
   */
  async take(address: string, email: string): Promise<PortalVerdict> {
    const now = this.deps.clock.now();
    const { perAddress, perEmail } = this.deps.policy;
    const wanted: [Limit, string, string, ThrottleRule][] = [
      ['address', 'portal-address', address, perAddress],
      ['email', 'portal-email', who(email), perEmail],
    ];
    const taken: { counter: ThrottleCounter; slot: number }[] = [];
    for (const [limit, kind, key, rule] of wanted) {
      if (!on(rule)) continue;
      const counter = counterAt(kind, key.slice(0, MAX_KEY_LENGTH), rule.windowMs, now);
      const slot = (await this.deps.store.isFull(counter))
        ? null
        : await this.deps.store.reserve(counter, rule.maxFailures);
      if (slot === null) {
        await Promise.all(taken.map((t) => this.deps.store.release(t.counter, t.slot)));
        return { allowed: false, limit, retryAfterSeconds: secondsUntilWindowEnds(counter, now) };
      }
      taken.push({ counter, slot });
    }
    return { allowed: true };
  }
}

function who(email: string): string {
  return email.trim().toLowerCase();
}

function on(rule: ThrottleRule | undefined): rule is ThrottleRule {
  return rule !== undefined && rule.maxFailures > 0 && rule.windowMs > 0;
}
