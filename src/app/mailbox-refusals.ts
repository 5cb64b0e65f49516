import type { Clock } from '../domain/clock.js';
import type { InboundMail } from '../domain/inbound-mail.js';
import type { MailboxDefinition, MailboxLedger } from './mailbox-ports.js';
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
 * ledger's claim (keyed by the intake key) decides which poller sends it. The reply's Message-ID
 * is ours, so a bounce or auto-reply to it is recognised and never answered.
 */
export class MailboxRefusals {
  constructor(private readonly deps: MailboxRefusalsDeps) {}

  /** True when a reply was sent now; false when another poller sent it, or there is no SMTP server. */
  async reply(
    box: MailboxDefinition,
    mail: InboundMail,
    reason: RefusalReason,
    key: string,
  ): Promise<boolean> {
    const { transport, ledger, renderer, clock } = this.deps;
    if (!transport || mail.from === '') return false;
    if (!(await ledger.claim(`reply:${key}`, clock.now()))) return false;
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
    await transport.send({
      to: [mail.from],
      cc: [],
      subject: rendered.subject,
      text: rendered.text,
      language: rendered.language,
      outboxId: `mailbox-refused.${key.slice(0, 40)}`,
      ...(mail.messageId ? { inReplyTo: mail.messageId } : {}),
    });
    await ledger.done(`reply:${key}`, clock.now());
    return true;
  }
}
