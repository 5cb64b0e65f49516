import { accountId } from '../domain/account.js';
import type { Clock } from '../domain/clock.js';
import type { ThrottleCounter, ThrottleCounterStore } from './account-ports.js';

/** At most `maxFailures` failed logins per `windowMs` (a fixed window); `maxFailures` 0 turns the rule off. */
export interface ThrottleRule {
  readonly maxFailures: number;
  readonly windowMs: number;
}

/** The three login limits (docs/adr/0013). */
export interface LoginThrottlePolicy {
  /** Per client address and username (guessing one user's password from one place). */
  readonly perAddressAndUser: ThrottleRule;
  /** Per username across addresses (guessing one user's password from many places). */
  readonly perUser: ThrottleRule;
  /** Per client address across usernames (spraying common passwords over many users). */
  readonly perAddress: ThrottleRule;
}

/** One slot taken on one counter. */
export interface ThrottleSlot {
  readonly counter: ThrottleCounter;
  readonly slot: number;
}

/** The slots an allowed attempt holds: a failure keeps them, a success gives them back. */
export interface ThrottleTicket {
  readonly slots: readonly ThrottleSlot[];
}

/** Whether a login attempt may check a password, and if not, for how long to wait. */
export type ThrottleVerdict =
  | { readonly allowed: true; readonly ticket: ThrottleTicket }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

/** Collaborators of the login throttle. */
export interface LoginThrottleDeps {
  readonly store: ThrottleCounterStore;
  readonly clock: Clock;
  readonly policy: LoginThrottlePolicy;
}

const ADDRESS_USER = 'address-user';
const USER = 'user';
const ADDRESS = 'address';
const MAX_KEY_LENGTH = 200;

interface Entry {
  readonly rule: ThrottleRule;
  readonly counter: ThrottleCounter;
}

/**
 * Throttles failed logins with counters in the database, so every app process sees
 * the same counts. An attempt first takes a slot on each of its counters (so parallel
 * requests cannot slip past a limit while passwords are checked); when a counter has
 * no free slot the attempt is refused and gives back what it took. A failed password
 * keeps its slots until the window ends; a successful login gives its slots back (it
 * is not a failure), which never lowers the failures already counted for its address
 * or its user.
 */
export class LoginThrottle {
  constructor(private readonly deps: LoginThrottleDeps) {}

  /** Takes an attempt for `address` (already reduced to a key) and `username`, or refuses it. */
  async begin(address: string, username: string): Promise<ThrottleVerdict> {
    const now = this.deps.clock.now();
    const entries = this.countersFor(address.slice(0, MAX_KEY_LENGTH), userKey(username), now);
    const full = await Promise.all(entries.map(({ counter }) => this.deps.store.isFull(counter)));
    if (full.some(Boolean))
      return refusal(
        entries.filter((_, i) => full[i]),
        now,
      );
    const slots = await Promise.all(
      entries.map(({ counter, rule }) => this.deps.store.reserve(counter, rule.maxFailures)),
    );
    const taken = entries.flatMap(({ counter }, i) => {
      const slot = slots[i];
      return slot == null ? [] : [{ counter, slot }];
    });
    if (taken.length === entries.length) return { allowed: true, ticket: { slots: taken } };
    await this.giveBack(taken);
    return refusal(
      entries.filter((_, i) => slots[i] == null),
      now,
    );
  }

  /** Settles a successful login: its slots are given back, so it does not count as a failure. */
  succeeded(ticket: ThrottleTicket): Promise<void> {
    return this.giveBack(ticket.slots);
  }

  /** Deletes the counters of windows that are over; returns how many documents went. */
  purgeExpired(): Promise<number> {
    return this.deps.store.deleteExpired(this.deps.clock.now());
  }

  private async giveBack(slots: readonly ThrottleSlot[]): Promise<void> {
    await Promise.all(slots.map(({ counter, slot }) => this.deps.store.release(counter, slot)));
  }

  private countersFor(address: string, user: string, now: Date): Entry[] {
    const { policy } = this.deps;
    const rules: [string, string, ThrottleRule][] = [[ADDRESS, address, policy.perAddress]];
    if (user)
      rules.push(
        [ADDRESS_USER, `${address}|${user}`, policy.perAddressAndUser],
        [USER, user, policy.perUser],
      );
    return rules
      .filter(([, , rule]) => rule.maxFailures > 0 && rule.windowMs > 0)
      .map(([kind, key, rule]) => ({ rule, counter: counterAt(kind, key, rule.windowMs, now) }));
  }
}

/** A refused attempt: wait until the latest of the full counters' windows ends. */
function refusal(full: readonly Entry[], now: Date): ThrottleVerdict {
  const waitMs = Math.max(0, ...full.map(({ counter }) => counter.windowEnd.getTime() - now.getTime()));
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

function userKey(username: string): string {
  return accountId(username).slice(0, MAX_KEY_LENGTH);
}

/**
 * The counter of the fixed window of `windowMs` that holds `now`, for `kind` and `key`. Shared by
 * every throttle kept in the database (login, portal, requester lookup).
 */
export function counterAt(kind: string, key: string, windowMs: number, now: Date): ThrottleCounter {
  const start = Math.floor(now.getTime() / windowMs) * windowMs;
  return { kind, key, windowStart: new Date(start), windowEnd: new Date(start + windowMs) };
}

/** Whole seconds (at least 1) until the counter's window ends: a `Retry-After`. */
export function secondsUntilWindowEnds(counter: ThrottleCounter, now: Date): number {
  return Math.max(1, Math.ceil((counter.windowEnd.getTime() - now.getTime()) / 1000));
}
