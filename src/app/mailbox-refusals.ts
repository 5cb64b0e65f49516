import type { Clock } from '../domain/clock.js';
import type { InboundMail } from '../domain/inbound-mail.js';
import {
  MailboxBusyError,
  MailboxTransientError,
  type MailboxDefinition,
  type MailboxLedger,
} from './mailbox-ports.js';
import type { MailTransport, MessageRenderer } from './notification-ports.js';

/** Message template of the refusal reply (`templates/messages/mailbox-refused.<lang>.hbs`). */
export const REFUSAL_TEMPLATE = 'mailbox-refused';

/** Why a message was refused with a reply. */
export type RefusalReason = 'institutional-email' | 'too-large';

/** Collaborators of the refusal replies. */
export interface MailboxRefusalsDeps {
  readonly ledger: MailboxLedger;
  readonly renderer: MessageRenderer;
  /** Undefined when no SMTP server is configured: refusals are then moved without a reply. */
  readonly transport?: MailTransport;
  readonly clock: Clock;
}

/**
 * Sends the reply that explains a refusal, in the mailbox's language, once per message: the
 * ledger's claim (keyed by the intake key) decides which poller sends it. While another poller
 * holds the claim, or when the send fails (the claim is then released), this throws: the message
 * stays in the folder and is retried, never moved to Refused without its reply. A send failure
 * that is not the message's fault (SMTP server down, timeouts, 4xx) is a `MailboxTransientError`:
 * it is not counted towards the mailbox's `maxAttempts`, so an outage never sends a message to
 * `Failed` without its reply; only the server refusing the sender's address counts. The reply's
 * Message-ID is ours, so a bounce or auto-reply to it is recognised and never answered.
 */
export class MailboxRefusals {
  constructor(private readonly deps: MailboxRefusalsDeps) {}

  /** True when a reply was sent now; false when it was sent before, or there is no SMTP server. */
  async reply(
    box: MailboxDefinition,
    mail: InboundMail,
    reason: RefusalReason,
    key: string,
  ): Promise<boolean> {
    const { transport, ledger, clock } = this.deps;
    if (!transport || mail.from === '') return false;
    const claimKey = `reply:${key}`;
    const claim = await ledger.claim(claimKey, clock.now());
    if (claim.result === 'done') return false;
    if (claim.result === 'held')
      throw new MailboxBusyError(`the refusal reply to <${mail.from}> is being sent by another poller`);
    try {
      await this.send(box, mail, reason, key);
    } catch (error) {
      await ledger.release(claimKey, claim.token).catch(() => undefined);
      throw error;
    }
    await ledger.done(claimKey, clock.now());
    return true;
  }

  private async send(
    box: MailboxDefinition,
    mail: InboundMail,
    reason: RefusalReason,
    key: string,
  ): Promise<void> {
    const { transport, renderer } = this.deps;
    if (!transport) return;
    const variables = {
      reason,
      institutional: reason === 'institutional-email',
      tooLarge: reason === 'too-large',
      originalSubject: mail.subject || '(no subject)',
      domains: box.institutionalDomains.map((domain) => `@${domain}`).join(', '),
      limitMb: Math.floor(box.maxMessageBytes / (1024 * 1024)),
      receivedAt: mail.receivedAt,
    };
    const rendered = await renderer.render(REFUSAL_TEMPLATE, box.language, variables, box.language);
    try {
      await transport.send({
        to: [mail.from],
        cc: [],
        subject: rendered.subject,
        text: rendered.text,
        language: rendered.language,
        outboxId: `mailbox-refused.${key.slice(0, 40)}`,
        ...(mail.messageId ? { inReplyTo: mail.messageId } : {}),
      });
    } catch (error) {
      if (refusesAddress(error)) throw error;
      const why = error instanceof Error ? error.message : String(error);
      throw new MailboxTransientError(`the refusal reply to <${mail.from}> was not sent: ${why}`, {
        cause: error,
      });
    }
  }
}

/**
 * True when the SMTP server (or nodemailer, before sending) refused the envelope's address itself
 * (`EENVELOPE` without a 4xx answer): the message's fault, counted as a failed attempt. Anything
 * else (no connection, timeouts, 4xx, authentication) is the server's state and is retried.
 */
function refusesAddress(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, responseCode } = error as { code?: unknown; responseCode?: unknown };
  if (code !== 'EENVELOPE') return false;
  return typeof responseCode !== 'number' || responseCode >= 500;
}
