import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { MailTransport, OutgoingMail } from '../../app/notification-ports.js';
import type { SmtpSettings } from './smtp-settings.js';

/**
 * Timeouts well inside the dispatcher's 2-minute claim lease, so a hanging server fails the
 * attempt before another app instance may retake it (and send the email a second time).
 */
const TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 45_000 } as const;

/** Sends plain-text email through one SMTP server with nodemailer (a connection per message). */
export class SmtpMailTransport implements MailTransport {
  private readonly transporter: Transporter<SMTPTransport.SentMessageInfo>;
  private readonly domain: string;
  private readonly from: string;

  constructor(settings: SmtpSettings) {
    this.transporter = nodemailer.createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      ...(settings.auth ? { auth: { user: settings.auth.user, pass: settings.auth.pass } } : {}),
      ...TIMEOUTS,
    });
    this.domain = /@([^>\s]+)>?\s*$/.exec(settings.from)?.[1] ?? 'helpdesk.invalid';
    this.from = settings.from;
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string; rejected: string[] }> {
    const info = await this.transporter.sendMail({
      from: this.from,
      to: [...mail.to],
      cc: [...mail.cc],
      subject: mail.subject,
      text: mail.text,
      ...(mail.attachments ? { attachments: mail.attachments.map((file) => ({ ...file })) } : {}),
      // Stable per outbox message: a repeated send (see ADR 0006) carries the same Message-ID. Its
      // left part starts with the ticket's instance id, so email intake threads a reply to it (ADR 0029).
      messageId: `<${messageIdPart(mail.outboxId)}@${this.domain}>`,
      headers: {
        'Content-Language': mail.language,
        'X-Helpdesk-Outbox-Id': mail.outboxId,
        ...(mail.inReplyTo ? { 'In-Reply-To': `<${mail.inReplyTo}>`, 'Auto-Submitted': 'auto-replied' } : {}),
      },
    });
    const rejected = info.rejected.map((r) => (typeof r === 'string' ? r : r.address));
    return { messageId: info.messageId, rejected };
  }

  /** Releases the transport. */
  close(): void {
    this.transporter.close();
  }
}

/** The outbox id as a Message-ID left part: other characters hex-escaped as `=XX`, so distinct ids stay distinct. */
function messageIdPart(outboxId: string): string {
  return outboxId.replace(/[^A-Za-z0-9._-]/g, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}
