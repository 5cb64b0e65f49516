import type { Clock } from '../domain/clock.js';
import type { ThrottleCounter, ThrottleCounterStore } from './account-ports.js';
import { counterAt, secondsUntilWindowEnds, type ThrottleRule } from './login-throttle.js';

/** The portal's two limits on confirmation mails (docs/adr/0026); `maxFailures` 0 turns a rule off. */
export interface PortalThrottlePolicy {
  /** Per client address (one host flooding many addresses). */
  readonly perAddress: ThrottleRule;
  /** Per requester email (one mailbox flooded from many hosts). */
  readonly perEmail: ThrottleRule;
}

/** Whether a submission may send a confirmation mail, and if not, for how long to wait. */
export type PortalVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number; readonly limit: 'address' | 'email' };

const MAX_KEY_LENGTH = 200;

/**
 * Counts portal submissions that would send a confirmation mail, with the login throttle's
 * counters in the database (slots taken by unique inserts, never `$inc`; ADR 0013), so every app
 * process sees the same counts. A submission takes a slot on each counter and keeps it (every
 * mail counts); when one counter is full, what it took is given back and it is refused.
 */
export class PortalThrottle {
  constructor(
    private readonly deps: {
      readonly store: ThrottleCounterStore;
      readonly clock: Clock;
      readonly policy: PortalThrottlePolicy;
    },
  ) {}

  /** Takes a slot for the client `address` (already a key) and the `email`, or refuses. */
  async take(address: string, email: string): Promise<PortalVerdict> {
    const now = this.deps.clock.now();
    const { perAddress, perEmail } = this.deps.policy;
    const entries = (
      [
        ['address', 'portal-address', address, perAddress],
        ['email', 'portal-email', email.trim().toLowerCase(), perEmail],
      ] as const
    )
      .filter(([, , , rule]) => rule.maxFailures > 0 && rule.windowMs > 0)
      .map(([limit, kind, key, rule]) => ({
        limit,
        rule,
        counter: counterAt(kind, key.slice(0, MAX_KEY_LENGTH), rule.windowMs, now),
      }));
    const taken: { counter: ThrottleCounter; slot: number }[] = [];
    for (const { limit, rule, counter } of entries) {
      const full = await this.deps.store.isFull(counter);
      const slot = full ? null : await this.deps.store.reserve(counter, rule.maxFailures);
      if (slot === null) {
        await Promise.all(taken.map((t) => this.deps.store.release(t.counter, t.slot)));
        return { allowed: false, limit, retryAfterSeconds: secondsUntilWindowEnds(counter, now) };
      }
      taken.push({ counter, slot });
    }
    return { allowed: true };
  }
}
