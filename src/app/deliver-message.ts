import { isAppError } from '../domain/errors.js';
import type { MailPolicy } from '../domain/mail-policy.js';
import type { OutboxMessage } from '../domain/instance.js';
import type { Clock } from '../domain/clock.js';
import { failure, type DeliveryPolicy } from './delivery-plan.js';
import type { FaultInjector } from './fault-points.js';
import type {
  AttemptResult,
  DeliveryLedger,
  MailTransport,
  MailAttachments,
  MailFile,
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
  /** Loads the files a message carries (docs/adr/0032); absent: files are named, not attached. */
  readonly files?: MailAttachments;
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
    // Literal addresses an admin configured (scheduled reports) only for messages of no ticket.
    message.configured && message.instanceId === ''
      ? configuredPolicy(policy.recipients, message.to)
      : policy.recipients,
  );
  if (!recipients.ok) return undeliverable(recipients.reason);
  let files: { files: readonly MailFile[]; omitted: readonly string[] };
  try {
    files = await mailFiles(deps.files, message);
  } catch (error) {
    return failure(attempt, errorText(error), now, policy);
  }
  let rendered;
  try {
    const variables = { ...message.variables, ...fileVariables(files) };
    rendered = await deps.renderer.render(message.template, message.language, variables);
  } catch (error) {
    if (isAppError(error)) return undeliverable(error.message);
    return failure(attempt, errorText(error), now, policy);
  }
  const { to, cc } = recipients;
  try {
    const attachments = files.files.length > 0 ? { attachments: files.files } : {};
    const sent = await deps.transport.send({ to, cc, ...rendered, outboxId: id, ...attachments });
    deps.faults?.reached('after-smtp');
    const accepted = [...to, ...cc].filter((address) => !sent.rejected.includes(address));
    return { outcome: 'sent', at: deps.clock.now(), smtpMessageId: sent.messageId, recipients: accepted };
  } catch (error) {
    return failure(attempt, errorText(error), deps.clock.now(), policy);
  }
}

/** The message's files: loaded when a loader is wired, else all named as left out. */
async function mailFiles(
  loader: MailAttachments | undefined,
  message: OutboxMessage,
): Promise<{ files: readonly MailFile[]; omitted: readonly string[] }> {
  const carried = message.configured?.files ?? [];
  const refs = message.attachments ?? [];
  if (refs.length === 0) return { files: carried, omitted: [] };
  const loaded = loader ? await loader.load(message) : { files: [], omitted: refs.map((ref) => ref.name) };
  return { files: [...carried, ...loaded.files], omitted: loaded.omitted };
}

/**
 * The policy for a message whose `to` is admin configuration (a scheduled report's recipient):
 * that literal address is allowed too; groups resolve through the directory as always.
 */
function configuredPolicy(policy: MailPolicy, to: string | undefined): MailPolicy {
  const address = to?.trim().toLowerCase();
  if (!address?.includes('@')) return policy;
  return { ...policy, addresses: new Set([...policy.addresses, address]) };
}

/** Template variables about the files: `attachedFiles` (sent) and `filesOnTrackingPage` (left out). */
function fileVariables(files: {
  files: readonly MailFile[];
  omitted: readonly string[];
}): Record<string, string> {
  return {
    ...(files.files.length > 0 ? { attachedFiles: files.files.map((file) => file.filename).join(', ') } : {}),
    ...(files.omitted.length > 0 ? { filesOnTrackingPage: files.omitted.join(', ') } : {}),
  };
}

/** The error with the server's reply when nodemailer has one (e.g. `450 mailbox unavailable`). */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const response = (error as { response?: unknown }).response;
  return typeof response === 'string' && !error.message.includes(response)
    ? `${error.message}: ${response}`
    : error.message;
}
