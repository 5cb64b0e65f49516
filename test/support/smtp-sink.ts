import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './wait.js';

/** One message the sink accepted, parsed just enough for assertions. */
export interface ReceivedMail {
  readonly envelopeTo: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  readonly subject: string;
  readonly body: string;
  readonly raw: string;
}

/** A real SMTP server on 127.0.0.1 (random port, no TLS, no auth) that keeps what it receives. */
export interface SmtpSink {
  readonly port: number;
  readonly received: ReceivedMail[];
  /** While set, every RCPT TO is refused with this SMTP code (e.g. 450 mailbox busy). */
  rejectRecipients(code: number | undefined): void;
  stop(): Promise<void>;
}

/** The first mail `sink` received for `address`, waited for (up to `timeoutMs`, else it throws). */
export async function mailTo(
  sink: Pick<SmtpSink, 'received'>,
  address: string,
  timeoutMs?: number,
): Promise<ReceivedMail> {
  const found = () => sink.received.find((mail) => mail.envelopeTo.includes(address));
  await waitFor(async () => found(), timeoutMs);
  return found()!;
}

/** The app's environment to send its mail to `sink`, as `from`. */
export function mailEnv(sink: Pick<SmtpSink, 'port'>, from: string): Record<string, string> {
  return { HELPDESK_SMTP_URL: `smtp://127.0.0.1:${sink.port}`, HELPDESK_MAIL_FROM: from };
}

/** Starts a sink; stop it in `finally`. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  let rejectCode: number | undefined;
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (rejectCode === undefined) return callback();
      const error = Object.assign(new Error(`mailbox ${address.address} unavailable`), {
        responseCode: rejectCode,
      });
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
        received.push(parseMail(Buffer.concat(chunks).toString('utf8'), envelopeTo));
        callback();
      });
    },
  });
  // A client that dies mid-session (a killed app process) resets its connection: the sink, like a
  // real server, drops that session and serves the next one instead of throwing the error.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    received,
    rejectRecipients: (code) => {
      rejectCode = code;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Headers (unfolded, lower-case names, RFC 2047 words decoded) and the decoded text body. */
export function parseMail(raw: string, envelopeTo: readonly string[] = []): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  const body = decodeBody(raw.slice(split + 4), headers['content-transfer-encoding'] ?? '7bit');
  return { envelopeTo, headers, subject: headers.subject ?? '', body, raw };
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_all, _charset: string, kind: string, text: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : qpBytes(text.replace(/_/g, ' ')).toString('utf8'),
    );
}

function decodeBody(body: string, encoding: string): string {
  const text = body.replace(/\r\n\.\r\n$/, '');
  if (/base64/i.test(encoding)) return Buffer.from(text, 'base64').toString('utf8').replace(/\r\n/g, '\n');
  if (/quoted-printable/i.test(encoding))
    return qpBytes(text.replace(/=\r\n/g, '')).toString('utf8').replace(/\r\n/g, '\n');
  return text.replace(/\r\n/g, '\n');
}

function qpBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i] as string, 'utf8'));
  }
  return Buffer.from(bytes);
}
