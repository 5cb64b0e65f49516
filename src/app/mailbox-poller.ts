import { isAppError } from '../domain/errors.js';
import {
  EmailIntake,
  type EmailIntakeDeps,
  type IntakeLogger,
  type IntakeTickets,
  type PollSummary,
} from './email-intake.js';
import type { InstanceLog } from './instance-log.js';
import type { InstanceService } from './instance-service.js';
import type { TicketNumbers } from './ports.js';
import type { MailboxDefinition, MailboxReader } from './mailbox-ports.js';

/** What `createMailboxPoller` needs: the shared intake collaborators and a reader per mailbox. */
export interface MailboxPollerDeps extends Omit<EmailIntakeDeps, 'box' | 'reader'> {
  readonly boxes: readonly MailboxDefinition[];
  readonly readerFor: (box: MailboxDefinition) => MailboxReader;
}

/** One intake per configured mailbox, polled together. */
export function createMailboxPoller(deps: MailboxPollerDeps): MailboxPoller {
  const { boxes, readerFor, ...shared } = deps;
  const intakes = new Map(
    boxes.map((box) => [box.id, new EmailIntake({ ...shared, box, reader: readerFor(box) })]),
  );
  return new MailboxPoller(intakes, deps.logger);
}

/**
 * Polls every configured desk mailbox (docs/adr/0029): one poll per mailbox at a time, the next
 * one `everyMs` after the previous ended (never overlapping, never keeping the process alive).
 * Several app processes may poll the same mailbox: intake is keyed, so each message counts once.
 */
export class MailboxPoller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = true;

  constructor(
    private readonly intakes: ReadonlyMap<string, EmailIntake>,
    private readonly logger: IntakeLogger,
  ) {}

  /** Ids of the mailboxes polled. */
  get mailboxIds(): string[] {
    return [...this.intakes.keys()];
  }

  /** Polls each mailbox once now (tests and the loop); a mailbox that fails is logged, the others go on. */
  async pollOnce(): Promise<Record<string, PollSummary | { error: string }>> {
    const results: Record<string, PollSummary | { error: string }> = {};
    for (const [id, intake] of this.intakes) {
      try {
        results[id] = await intake.poll();
      } catch (error) {
        this.logger.error({ err: error, mailbox: id }, 'mailbox poll failed');
        results[id] = { error: (error as Error).message };
      }
    }
    return results;
  }

  /** Starts the loop (`everyMs` > 0; nothing to do without mailboxes). */
  start(everyMs: number): void {
    if (this.intakes.size === 0 || everyMs <= 0 || !this.stopped) return;
    this.stopped = false;
    const tick = () => {
      this.running = this.pollOnce().finally(() => {
        if (this.stopped) return;
        this.timer = setTimeout(tick, everyMs);
        this.timer.unref();
      });
    };
    this.timer = setTimeout(tick, 0);
    this.timer.unref();
  }

  /** Stops the loop and waits for a poll in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running.catch(() => undefined);
  }
}

/** The ticket lookups intake needs, from the instance service, the log and the ticket-number index. */
export function intakeTickets(deps: {
  readonly instances: Pick<InstanceService, 'start'>;
  readonly log: Pick<InstanceLog, 'load'>;
  readonly ticketNumbers: TicketNumbers;
}): IntakeTickets {
  return {
    start: (procedureId, input, actor, options) => deps.instances.start(procedureId, input, actor, options),
    find: (instanceId) =>
      deps.log.load(instanceId).catch((error: unknown) => {
        if (isAppError(error) && error.code === 'INSTANCE_NOT_FOUND') return undefined;
        throw error;
      }),
    instanceOf: async (businessKey) => deps.ticketNumbers.instanceOf?.(businessKey),
  };
}
