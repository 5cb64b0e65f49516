import type { Clock } from '../domain/clock.js';
import { requesterActor } from '../domain/conversation.js';
import { isAppError } from '../domain/errors.js';
import { requesterEmailOf } from '../domain/requester-link.js';
import type { ThrottleCounter, ThrottleCounterStore } from './account-ports.js';
import { bookkeepingTransition, messageVariables } from './build-transition.js';
import type { DefinitionsService } from './definitions-service.js';
import type { InstanceLog } from './instance-log.js';
import { counterAt, secondsUntilWindowEnds, type ThrottleRule } from './login-throttle.js';
import { retryOnConflict } from './retry.js';

/** Audit type of a fresh tracking link sent by the `/track` lookup. */
export const LINK_SENT_EVENT = 'requester.link-sent';
/** Template of the email carrying the fresh tracking link. */
export const TRACKING_LINK_TEMPLATE = 'requester-tracking-link';

/** Limits of the lookup and of failed link openings (each lookup takes a slot; none is given back). */
export interface RequesterThrottlePolicy {
  readonly perAddress: ThrottleRule;
  readonly perEmail: ThrottleRule;
  /** Unknown or malformed tokens opened from one address. */
  readonly badLinksPerAddress: ThrottleRule;
  /** Additions posted through one tracking link (`POST /r/:token`, files included). */
  readonly postsPerLink: ThrottleRule;
}

/** Additions per tracking link and hour by default (`HELPDESK_REQUESTER_LINK_POSTS_PER_HOUR`). */
const DEFAULT_POSTS_PER_LINK_HOUR = 20;

/**
 * Defaults: 10 lookups per address and 5 per email in 15 minutes; 30 bad links per address;
 * 20 additions per link and hour.
 */
export const DEFAULT_REQUESTER_THROTTLE: RequesterThrottlePolicy = {
  perAddress: { maxFailures: 10, windowMs: 15 * 60_000 },
  perEmail: { maxFailures: 5, windowMs: 15 * 60_000 },
  badLinksPerAddress: { maxFailures: 30, windowMs: 15 * 60_000 },
  postsPerLink: { maxFailures: DEFAULT_POSTS_PER_LINK_HOUR, windowMs: 60 * 60_000 },
};

/** Collaborators of the lookup. */
export interface RequesterLookupDeps {
  readonly counters: ThrottleCounterStore;
  readonly clock: Clock;
  readonly log: InstanceLog;
  readonly definitions: Pick<DefinitionsService, 'byId'>;
  /** The instance a ticket number belongs to (`ticket_keys`, an `_id` read). */
  readonly instanceIdOf: (businessKey: string) => Promise<string | undefined>;
  readonly policy?: RequesterThrottlePolicy;
}

/** Whether the request may go on; when not, how long to wait. */
export type LookupVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

const MAX_KEY = 200;

/**
 * The "ticket number + email" lookup (docs/adr/0025): when the email is the ticket's requester's, a
 * fresh tracking link is mailed to it through the outbox (a bookkeeping step `requester.link-sent`
 * whose message gets its link at delivery). The caller answers the same whatever happened, so the
 * lookup tells nobody which tickets or addresses exist. Throttled per address and per email in the
 * database (slots as the login throttle's, ADR 0013), so across processes.
 */
export class RequesterLookup {
  private readonly policy: RequesterThrottlePolicy;

  constructor(private readonly deps: RequesterLookupDeps) {
    this.policy = deps.policy ?? DEFAULT_REQUESTER_THROTTLE;
  }

  /** Takes one lookup slot for the address and one for the email; refused when either is full. */
  async admit(address: string, email: string): Promise<LookupVerdict> {
    return this.take([
      ['track-address', address, this.policy.perAddress],
      ['track-email', email.trim().toLowerCase(), this.policy.perEmail],
    ]);
  }

  /**
   * Takes a slot for one addition posted through a tracking link (by the link's id, the SHA-256 of
   * its token), before its body is read: every post counts, accepted or refused.
   */
  async admitPost(linkId: string): Promise<LookupVerdict> {
    return this.take([['link-post', linkId, this.policy.postsPerLink]]);
  }

  /** Whether an address may still open links (checked before the token is looked up). */
  async linksAllowed(address: string): Promise<LookupVerdict> {
    const counter = this.counter('bad-link', address, this.policy.badLinksPerAddress);
    if (!counter || !(await this.deps.counters.isFull(counter))) return { allowed: true };
    return { allowed: false, retryAfterSeconds: this.wait(counter) };
  }

  /** Counts an unknown or malformed token opened from the address. */
  async badLink(address: string): Promise<void> {
    const rule = this.policy.badLinksPerAddress;
    const counter = this.counter('bad-link', address, rule);
    if (counter) await this.deps.counters.reserve(counter, rule.maxFailures);
  }

  /** Sends a fresh link when ticket and email match; returns whether it did (never shown to the visitor). */
  async sendLink(ticketNumber: string, email: string): Promise<boolean> {
    const businessKey = ticketNumber.trim().toUpperCase().slice(0, MAX_KEY);
    const wanted = email.trim().toLowerCase();
    if (!businessKey || !wanted) return false;
    const instanceId = await this.deps.instanceIdOf(businessKey);
    if (!instanceId) return false;
    try {
      return await retryOnConflict(() => this.commit(instanceId, businessKey, wanted));
    } catch (error) {
      if (isAppError(error) && error.code === 'INSTANCE_NOT_FOUND') return false;
      throw error;
    }
  }

  private commit(instanceId: string, businessKey: string, email: string): Promise<boolean> {
    const { log, definitions, clock } = this.deps;
    return log.exclusive(instanceId, async () => {
      const previous = await log.load(instanceId);
      if (previous.businessKey !== businessKey || requesterEmailOf(previous.variables) !== email)
        return false;
      const { catalog } = await definitions.byId(previous.definitionId);
      const now = clock.now();
      const seq = previous.seq + 1;
      const outbox = [
        {
          id: `${instanceId}:${seq}:requester-link`,
          instanceId,
          activityId: 'requester-link',
          template: TRACKING_LINK_TEMPLATE,
          language: catalog.language,
          to: 'requester',
          variables: messageVariables(previous.variables, previous.businessKey, catalog),
          createdAt: now,
        },
      ];
      const step = { previous, catalog, actor: requesterActor(email), now, type: LINK_SENT_EVENT, data: {} };
      await log.commit(bookkeepingTransition(step, { outbox }));
      return true;
    });
  }

  private async take(rules: readonly [string, string, ThrottleRule][]): Promise<LookupVerdict> {
    for (const [kind, key, rule] of rules) {
      const counter = this.counter(kind, key, rule);
      if (!counter) continue;
      const slot = (await this.deps.counters.isFull(counter))
        ? null
        : await this.deps.counters.reserve(counter, rule.maxFailures);
      if (slot === null) return { allowed: false, retryAfterSeconds: this.wait(counter) };
    }
    return { allowed: true };
  }

  private counter(kind: string, key: string, rule: ThrottleRule): ThrottleCounter | undefined {
    if (rule.maxFailures <= 0 || rule.windowMs <= 0) return undefined;
    return counterAt(kind, key.slice(0, MAX_KEY), rule.windowMs, this.deps.clock.now());
  }

  private wait(counter: ThrottleCounter): number {
    return secondsUntilWindowEnds(counter, this.deps.clock.now());
  }
}
