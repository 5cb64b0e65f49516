import type { MailTransport } from './notification-ports.js';
import type { PortalMail, PortalMailer } from './portal-ports.js';

/**
 * Portal mails through the app's mail transport, sent at once (there is no ticket yet, so no
 * outbox entry; docs/adr/0026). Rejected when the server refused the recipient.
 */
export function transportMailer(transport: MailTransport): PortalMailer {
  return {
    async send(mail: PortalMail): Promise<void> {
      const { rejected } = await transport.send({
        to: [mail.to],
        cc: [],
        subject: mail.subject,
        text: mail.text,
        language: mail.language,
        outboxId: mail.id,
      });
      if (rejected.length > 0) throw new Error(`the mail server refused ${rejected.join(', ')}`);
    },
  };
}
