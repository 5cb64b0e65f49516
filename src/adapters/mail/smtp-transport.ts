import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { MailTransport, OutgoingMail } from '../../app/notification-ports.js';
import type { SmtpSettings } from './smtp-settings.js';

/**
 * Timeouts well inside the dispatcher's 2-minute claim lease, so a hanging server fails the
 * attempt before another app instance may retake it (and send the email a second time).
 */
const TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 45_000 } as const;

/**
 * Sends plain-text email through one SMTP server with nodemailer (a connection per message).
 * nodemailer is loaded at the first email, not when the app starts.
 */
export class SmtpMailTransport implements MailTransport {
  private transporter: Promise<Transporter<SMTPTransport.SentMessageInfo>> | undefined;
  private readonly domain: string;
  private readonly from: string;

  constructor(private readonly settings: SmtpSettings) {
    this.domain = /@([^>\s]+)>?\s*$/.exec(settings.from)?.[1] ?? 'helpdesk.invalid';
    this.from = settings.from;
  }

  private transport(): Promise<Transporter<SMTPTransport.SentMessageInfo>> {
    const { host, port, secure, auth } = this.settings;
    this.transporter ??= import('nodemailer').then((nodemailer) =>
      nodemailer.default.createTransport({
        host,
        port,
        secure,
        ...(auth ? { auth: { user: auth.user, pass: auth.pass } } : {}),
        ...TIMEOUTS,
      }),
    );
    return this.transporter;
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string; rejected: string[] }> {
    const info = await (
      await this.transport()
    ).sendMail({
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

  /** Releases the transport (if an email was ever sent). */
  close(): void {
    void this.transporter?.then((transporter) => transporter.close()).catch(() => undefined);
  }
}

/** The outbox id as a Message-ID left part: other characters hex-escaped as `=XX`, so distinct ids stay distinct. */
function messageIdPart(outboxId: string): string {
  return outboxId.replace(/[^A-Za-z0-9._-]/g, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}
