import type { Clock } from '../domain/clock.js';
import type { ThrottleCounter, ThrottleCounterStore } from './account-ports.js';
import { counterAt, secondsUntilWindowEnds, type ThrottleRule } from './login-throttle.js';

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

/** Whether a submission may send a confirmation mail, and if not, for how long to wait. */
export type PortalVerdict =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly retryAfterSeconds: number;
      readonly limit: 'address' | 'email' | 'address-bytes' | 'email-bytes';
    };

const MAX_KEY_LENGTH = 200;
const MB = 1024 * 1024;
/** Units one submission may take on a byte counter (5 files of 10 MB are 50). */
const MAX_UNITS = 200;

type Limit = Exclude<PortalVerdict, { allowed: true }>['limit'];

/**
 * Counts portal submissions that would send a confirmation mail, and the megabytes of files they
 * carry, with the login throttle's counters in the database (slots taken by unique inserts, never
 * `$inc`; ADR 0013), so every app process sees the same counts. A submission takes one slot on each
 * count counter and one slot per started megabyte on each byte counter, and keeps them (every mail
 * counts); when one counter is full, what it took is given back and it is refused.
 */
export class PortalThrottle {
  constructor(
    private readonly deps: {
      readonly store: ThrottleCounterStore;
      readonly clock: Clock;
      readonly policy: PortalThrottlePolicy;
    },
  ) {}

  /** Takes slots for the client `address` (already a key), the `email` and the file `bytes`, or refuses. */
  async take(address: string, email: string, bytes = 0): Promise<PortalVerdict> {
    const now = this.deps.clock.now();
    const { perAddress, perEmail, mbPerAddress, mbPerEmail } = this.deps.policy;
    const who = email.trim().toLowerCase();
    const units = bytes > 0 ? Math.min(MAX_UNITS, Math.ceil(bytes / MB)) : 0;
    const wanted: [Limit, string, string, ThrottleRule | undefined, number][] = [
      ['address', 'portal-address', address, perAddress, 1],
      ['email', 'portal-email', who, perEmail, 1],
      ['address-bytes', 'portal-address-mb', address, mbPerAddress, units],
      ['email-bytes', 'portal-email-mb', who, mbPerEmail, units],
    ];
    const taken: { counter: ThrottleCounter; slot: number }[] = [];
    for (const [limit, kind, key, rule, count] of wanted) {
      if (!rule || rule.maxFailures <= 0 || rule.windowMs <= 0 || count === 0) continue;
      const counter = counterAt(kind, key.slice(0, MAX_KEY_LENGTH), rule.windowMs, now);
      const ok = count <= rule.maxFailures && (await this.reserve(counter, rule.maxFailures, count, taken));
      if (!ok) {
        await Promise.all(taken.map((t) => this.deps.store.release(t.counter, t.slot)));
        return { allowed: false, limit, retryAfterSeconds: secondsUntilWindowEnds(counter, now) };
      }
    }
    return { allowed: true };
  }

  /** Takes `count` slots of `counter` into `taken`; false as soon as it is full. */
  private async reserve(
    counter: ThrottleCounter,
    max: number,
    count: number,
    taken: { counter: ThrottleCounter; slot: number }[],
  ): Promise<boolean> {
    if (await this.deps.store.isFull(counter)) return false;
    for (let i = 0; i < count; i++) {
      const slot = await this.deps.store.reserve(counter, max);
      if (slot === null) return false;
      taken.push({ counter, slot });
    }
    return true;
  }
}
