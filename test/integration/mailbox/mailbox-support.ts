import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { FIXTURES } from '../../support/harness.js';
import type { ImapServer } from '../../support/imap-server.js';
import { mailEnv } from '../../support/smtp-sink.js';

export const MAILBOX_FIXTURES = path.join(FIXTURES, 'mailbox');
/** The domain of our From address: our Message-IDs end with it. */
export const OUR_DOMAIN = 'desk.example.org';

/** A raw fixture message from test/fixtures/mailbox/mail/. */
export function fixtureMail(name: string): Promise<string> {
  return readFile(path.join(MAILBOX_FIXTURES, 'mail', name), 'utf8');
}

/** A plain-text message with the given headers (CRLF line ends, as on the wire). */
export function plainMail(headers: Record<string, string>, body: string): string {
  const lines = Object.entries({
    Date: 'Tue, 24 Nov 2026 11:00:00 -0600',
    'Content-Type': 'text/plain; charset=UTF-8',
    ...headers,
  }).map(([name, value]) => `${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n${body.replace(/\n/g, '\r\n')}\r\n`;
}

/** The env of a test app reading the Dovecot mailbox `desk` (and `small`, 2 kB limit) and sending to the sink. */
export function mailboxEnv(imap: ImapServer, smtpPort: number): Record<string, string> {
  const account = {
    host: imap.host,
    port: imap.port,
    secure: false,
    user: imap.user,
    passwordEnv: 'TEST_IMAP_PASSWORD',
  };
  const startForm = {
    sender: 'requesterEmail',
    senderName: 'requesterName',
    cc: 'ccEmails',
    subject: 'subject',
    body: 'description',
    received: 'receivedAt',
    channel: 'channel',
  };
  const desk = {
    id: 'desk',
    imap: account,
    procedureId: 'mail-desk',
    language: 'es',
    startForm,
    constants: { medicalUnit: 'Buzón de la mesa' },
    institutionalDomains: ['issste.gob.mx'],
  };
  const small = {
    ...desk,
    id: 'small',
    folder: 'small-desk',
    processedFolder: 'small-desk/Processed',
    refusedFolder: 'small-desk/Refused',
    ignoredFolder: 'small-desk/Ignored',
    language: 'en',
    maxMessageBytes: 2048,
  };
  return {
    HELPDESK_PROCESSES_DIR: path.join(MAILBOX_FIXTURES, 'processes'),
    HELPDESK_FORMS_DIR: path.join(MAILBOX_FIXTURES, 'forms'),
    ...mailEnv({ port: smtpPort }, `Mesa de Ayuda <mesa@${OUR_DOMAIN}>`),
    HELPDESK_MAIL_POLL_MS: '600000',
    HELPDESK_MAILBOX_POLL_MS: '0',
    HELPDESK_MAILBOXES: JSON.stringify([desk, small]),
    TEST_IMAP_PASSWORD: imap.password,
  };
}
