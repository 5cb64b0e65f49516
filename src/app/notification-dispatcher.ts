import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import { deliverMessage } from './deliver-message.js';
import type { FaultInjector } from './fault-points.js';
import { DEFAULT_DELIVERY_POLICY, nextStep, toFinal, type DeliveryPolicy } from './delivery-plan.js';
import type {
  AttemptResult,
  DeliveryLedger,
  MailAttachments,
  MailTransport,
  MessageRenderer,
  NotificationLogger,
  RecipientDirectory,
} from './notification-ports.js';

/** Collaborators and tuning of the dispatcher. */
export interface NotificationDispatcherDeps {
  readonly ledger: DeliveryLedger;
  readonly renderer: MessageRenderer;
  readonly directory: RecipientDirectory;
  readonly transport: MailTransport;
  readonly clock: Clock;
  readonly logger?: NotificationLogger;
  readonly policy?: Partial<DeliveryPolicy>;
  /** Delivery attempts per run (default 20). */
  readonly batchSize?: number;
  /**
   * Pause before the next run when a run used its whole batch (a backlog, e.g. after a restart):
   * the backlog drains in bounded batches with gaps for interactive requests (default 1000 ms).
   */
  readonly batchPauseMs?: number;
  /** Recorded on claimed attempts (default: a random id per dispatcher). */
  readonly owner?: string;
  /** Chaos runs only (see fault-points.ts). */
  readonly faults?: FaultInjector;
  /** Loads the ticket files a message carries (docs/adr/0032); absent: they are named, not attached. */
  readonly files?: MailAttachments;
}

/** Pending messages looked at per run, at most. */
const PENDING_SCAN_LIMIT = 1000;
const DEFAULT_BATCH_SIZE = 20;

/** What one run did. */
export interface DispatchCounts {
  sent: number;
  failed: number;
  undeliverable: number;
}

/**
 * Delivers outbox messages by email (docs/adr/0006-notifications.md). Several app instances may
 * run one each: every attempt is claimed by inserting `<messageId>#<attempt>`, so exactly one
 * dispatcher sends it; a crash between the SMTP accept and recording the result can repeat one email.
 */
export class NotificationDispatcher {
  private readonly policy: DeliveryPolicy;
  private readonly owner: string;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: NotificationDispatcherDeps) {
    this.policy = { ...DEFAULT_DELIVERY_POLICY, ...deps.policy };
    this.owner = deps.owner ?? randomUUID();
  }

  /** Looks at the pending messages once; a message that throws (database trouble) is left for the next run. */
  async runOnce(): Promise<DispatchCounts> {
    const counts: DispatchCounts = { sent: 0, failed: 0, undeliverable: 0 };
    const batchSize = this.deps.batchSize ?? DEFAULT_BATCH_SIZE;
    // Messages waiting for a backoff do not count against the batch, so they cannot starve newer ones.
    for (const id of await this.deps.ledger.listPending(PENDING_SCAN_LIMIT)) {
      if (counts.sent + counts.failed + counts.undeliverable >= batchSize) break;
      try {
        const outcome = await this.process(id);
        if (outcome) counts[outcome] += 1;
      } catch (error) {
        this.deps.logger?.error({ err: error, messageId: id }, 'notification delivery failed');
      }
    }
    return counts;
  }

  /**
   * Runs every `intervalMs` (never two runs at once in this process); after a full batch the next
   * run follows `batchPauseMs` later, so a backlog drains at a bounded rate.
   */
  start(intervalMs: number): void {
    if (this.timer) return;
    const batchSize = this.deps.batchSize ?? DEFAULT_BATCH_SIZE;
    const pauseMs = Math.min(intervalMs, this.deps.batchPauseMs ?? 1000);
    const tick = () => {
      let next = intervalMs;
      this.running = this.runOnce()
        .then((counts) => {
          const attempted = counts.sent + counts.failed + counts.undeliverable;
          if (attempted > 0) this.deps.logger?.info(counts, 'notifications dispatched');
          if (attempted >= batchSize) next = pauseMs;
        })
        .catch((error: unknown) => this.deps.logger?.error({ err: error }, 'notification run failed'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, next).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  /** Stops the loop and waits for the current run to end. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async process(id: string): Promise<AttemptResult['outcome'] | undefined> {
    const { ledger, clock } = this.deps;
    const step = nextStep(await ledger.attempts(id), clock.now());
    if (step.kind === 'wait') return undefined;
    if (step.kind === 'finish') {
      await ledger.finish(id, step.outcome);
      return undefined;
    }
    const claimedAt = clock.now();
    const leaseUntil = new Date(claimedAt.getTime() + this.policy.leaseMs);
    const won = await ledger.claim({
      messageId: id,
      attempt: step.attempt,
      owner: this.owner,
      claimedAt,
      leaseUntil,
    });
    if (!won) return undefined;
    const result = await deliverMessage(this.deps, this.policy, id, step.attempt);
    await ledger.recordResult(id, step.attempt, result);
    const final = toFinal(step.attempt, result);
    if (final) await ledger.finish(id, final);
    this.log(id, step.attempt, result);
    return result.outcome;
  }

  private log(id: string, attempt: number, result: AttemptResult): void {
    const logger = this.deps.logger;
    if (result.outcome === 'failed')
      logger?.warn(
        { messageId: id, attempt, error: result.error, retryAt: result.retryAt },
        'email not sent, will retry',
      );
    else if (result.outcome === 'undeliverable')
      logger?.warn({ messageId: id, attempt, reason: result.reason }, 'email undeliverable');
  }
}
