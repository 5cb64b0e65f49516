import { isAppError } from '../domain/errors.js';
import type { Clock } from '../domain/clock.js';
import { failure, type DeliveryPolicy } from './delivery-plan.js';
import type { FaultInjector } from './fault-points.js';
import type {
  AttemptResult,
  DeliveryLedger,
  MailTransport,
  MessageRenderer,
  RecipientDirectory,
} from './notification-ports.js';
import { resolveRecipients } from './recipient-resolver.js';

/** What one delivery attempt needs. */
export interface DeliverDeps {
  readonly ledger: Pick<DeliveryLedger, 'loadMessage'>;
  readonly renderer: MessageRenderer;
  readonly directory: RecipientDirectory;
  readonly transport: MailTransport;
  readonly clock: Clock;
  /** Chaos runs only: told when the SMTP server accepted a message whose result is not yet recorded. */
  readonly faults?: FaultInjector;
}

/**
 * Runs one claimed attempt: load, check age, resolve recipients (and apply `policy.recipients`),
 * render, send. Never throws for bad data: problems that do not heal by retrying (no recipient,
 * recipient not allowed, missing or broken template, expired) are undeliverable; transport
 * errors are failures retried after the backoff.
 */
export async function deliverMessage(
  deps: DeliverDeps,
  policy: DeliveryPolicy,
  id: string,
  attempt: number,
): Promise<AttemptResult> {
  const message = await deps.ledger.loadMessage(id);
  const now = deps.clock.now();
  const undeliverable = (reason: string): AttemptResult => ({ outcome: 'undeliverable', at: now, reason });
  if (!message) return undeliverable(`outbox message <${id}> not found`);
  if (now.getTime() - message.createdAt.getTime() > policy.expireAfterMs)
    return undeliverable(`expired: created ${message.createdAt.toISOString()}`);
  const recipients = await resolveRecipients(
    message.to,
    message.variables,
    deps.directory,
    policy.recipients,
  );
  if (!recipients.ok) return undeliverable(recipients.reason);
  let rendered;
  try {
    rendered = await deps.renderer.render(message.template, message.language, message.variables);
  } catch (error) {
    if (isAppError(error)) return undeliverable(error.message);
    return failure(attempt, errorText(error), now, policy);
  }
  const { to, cc } = recipients;
  try {
    const sent = await deps.transport.send({ to, cc, ...rendered, outboxId: id });
    deps.faults?.reached('after-smtp');
    const accepted = [...to, ...cc].filter((address) => !sent.rejected.includes(address));
    return { outcome: 'sent', at: deps.clock.now(), smtpMessageId: sent.messageId, recipients: accepted };
  } catch (error) {
    return failure(attempt, errorText(error), deps.clock.now(), policy);
  }
}

/** The error with the server's reply when nodemailer has one (e.g. `450 mailbox unavailable`). */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const response = (error as { response?: unknown }).response;
  return typeof response === 'string' && !error.message.includes(response)
    ? `${error.message}: ${response}`
    : error.message;
}
