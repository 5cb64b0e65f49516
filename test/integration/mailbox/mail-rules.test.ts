import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readMailboxSettings } from '../../../src/adapters/mail/imap-settings.js';
import { parseMessage } from '../../../src/adapters/mail/imap-parse.js';
import { startFormFor } from '../../../src/app/email-intake-form.js';
import {
  automaticReason,
  instanceIdsIn,
  intakeKey,
  ticketNumberIn,
  type InboundMail,
} from '../../../src/domain/inbound-mail.js';
import { fixtureMail, MAILBOX_FIXTURES, OUR_DOMAIN } from './mailbox-support.js';

const facts = { uid: 7, uidValidity: '42', size: 1000, internalDate: new Date('2026-11-23T15:00:00Z') };
const limits = { maxAttachments: 5, maxMessageBytes: 25 * 1024 * 1024 };
const parse = async (name: string): Promise<InboundMail> =>
  parseMessage(Buffer.from(await fixtureMail(name)), facts, limits);

describe('inbound mail rules (ADR 0029)', () => {
  test('given the loop fixtures, when classified, then each is automatic for its own header, and a plain request is not', async () => {
    expect(automaticReason(await parse('auto-reply.eml'), OUR_DOMAIN)).toBe('Auto-Submitted: auto-replied');
    expect(automaticReason(await parse('bounce.eml'), OUR_DOMAIN)).toBe('empty Return-Path (a bounce)');
    expect(automaticReason(await parse('bulk.eml'), OUR_DOMAIN)).toBe('Precedence: bulk');
    expect(automaticReason(await parse('own-loop.eml'), OUR_DOMAIN)).toBe('our own Message-ID');
    expect(automaticReason(await parse('new-request.eml'), OUR_DOMAIN)).toBeUndefined();
    const manual = { ...(await parse('new-request.eml')), loop: { autoSubmitted: 'no' } };
    expect(automaticReason(manual, OUR_DOMAIN)).toBeUndefined();
    const suppressed = { ...manual, loop: { autoResponseSuppress: 'All' } };
    expect(automaticReason(suppressed, OUR_DOMAIN)).toBe('X-Auto-Response-Suppress');
  });

  test('given subjects and references, when read, then ticket numbers and our instance ids are found, bounded, and foreign ids ignored', () => {
    expect(ticketNumberIn('RE: RE: [CITA-2026-000123] Reporte')).toBe('CITA-2026-000123');
    expect(ticketNumberIn('RE: Ticket CITA-2026-000123 registrado')).toBe('CITA-2026-000123');
    expect(ticketNumberIn('Ticket XCITA-2026-0001234567890 y [RAD-2026-000001]')).toBe('RAD-2026-000001');
    expect(ticketNumberIn('cita-2026-000123')).toBeUndefined();
    expect(ticketNumberIn(`${'['.repeat(50_000)}x`)).toBeUndefined();
    const id = '0b7f6a52-1111-4222-8333-944455556666';
    const refs = [`${id}=3a2=3aack@desk.example.org`, `${id}=3a2=3aack@elsewhere.org`, 'x@desk.example.org'];
    expect(instanceIdsIn(refs, OUR_DOMAIN)).toEqual([id]);
  });

  test('given a message without Message-ID, when keyed, then the key comes from UIDVALIDITY and UID, and differs per mailbox', () => {
    const content = { from: 'ana@issste.gob.mx', subject: 'Reporte', text: 'Solicito el reporte.' };
    const a = intakeKey('desk', { ...content, uid: 1, uidValidity: '9' });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(intakeKey('desk', { ...content, uid: 2, uidValidity: '9' })).not.toBe(a);
    expect(intakeKey('other', { ...content, uid: 1, uidValidity: '9' })).not.toBe(a);
  });

  test('given one Message-ID, when keyed, then the same message in another place meets the same key, and another message reusing the id does not', () => {
    const sentAt = new Date('2026-11-24T17:00:00Z');
    const first = {
      from: 'fax@gateway.example',
      sentAt,
      subject: 'Fax',
      text: 'page 1',
      messageId: 'fax@gw',
    };
    const same = intakeKey('desk', { ...first, uid: 1, uidValidity: '9' });

    expect(intakeKey('desk', { ...first, uid: 5, uidValidity: '1' })).toBe(same);
    expect(intakeKey('desk', { ...first, text: 'another fax', uid: 6, uidValidity: '1' })).not.toBe(same);
    expect(intakeKey('desk', { ...first, from: 'x@forged.example', uid: 7, uidValidity: '1' })).not.toBe(
      same,
    );
    const later = new Date('2026-11-25T09:00:00Z');
    expect(intakeKey('desk', { ...first, sentAt: later, uid: 8, uidValidity: '1' })).not.toBe(same);
  });

  test('given a message whose Date header says 14:15 and the server took it at 15:00, when parsed, then it was received at 15:00 (INTERNALDATE); the Date header counts only without one', async () => {
    const raw = Buffer.from(await fixtureMail('new-request.eml'));

    const mail = await parseMessage(raw, facts, limits);
    const withoutServerDate = await parseMessage(raw, { ...facts, internalDate: new Date(0) }, limits);

    expect(mail.receivedAt.toISOString()).toBe('2026-11-23T15:00:00.000Z');
    expect(mail.sentAt?.toISOString()).toBe('2026-11-23T14:15:00.000Z');
    expect(withoutServerDate.receivedAt.toISOString()).toBe('2026-11-23T14:15:00.000Z');
  });

  test('given a long body, when mapped to the start form, then it is cut at the mailbox limit and only mapped fields are set', async () => {
    const mail = { ...(await parse('new-request.eml')), text: 'y'.repeat(5000) };
    const form = startFormFor(
      {
        startForm: { body: 'description', channel: 'channel' },
        constants: {},
        maxSubjectChars: 200,
        maxBodyChars: 100,
      },
      mail,
    );
    expect(Object.keys(form).sort()).toEqual(['channel', 'description']);
    expect([...String(form.description)]).toHaveLength(100);
    expect(String(form.description).endsWith('…')).toBe(true);
  });

  test.each([
    ['not JSON', '{', /not valid JSON/],
    ['not a list', '{}', /JSON list/],
    ['a missing password variable', 'missing-password', /TEST_NOPE \(imap.passwordEnv\) is not set/],
    ['an unknown mapping key', 'bad-mapping', /startForm.attachments is not one of/],
    ['a message limit over 50 MB', 'too-large-limit', /maxMessageBytes must be an integer/],
  ])(
    'given a mailbox configuration with %s, when loaded, then the error names the problem',
    async (_what, name, error) => {
      const file = path.join(MAILBOX_FIXTURES, 'config', `${name}.json`);
      const text = name.includes('{') ? name : await readFile(file, 'utf8');
      expect(() =>
        readMailboxSettings({ HELPDESK_MAILBOXES: text, TEST_PW: 'secret' }, '/nonexistent'),
      ).toThrow(error);
    },
  );

  test('given the documented example file in the config dir, when loaded, then the password comes from its variable and defaults fill the rest', () => {
    const dir = path.join(MAILBOX_FIXTURES, 'config');
    const [box] = readMailboxSettings(
      { CITA_IMAP_PASSWORD: 'from-env' },
      dir.replace(/config$/, 'config-example'),
    );
    expect(box).toBeUndefined(); // no mailboxes.json there
    const text = readFileSync(path.join(dir, 'example.json'), 'utf8');
    const [cita] = readMailboxSettings({ HELPDESK_MAILBOXES: text, CITA_IMAP_PASSWORD: 'from-env' }, dir);
    expect(cita).toMatchObject({
      id: 'cita-desk',
      imap: { host: 'imap.example.org', port: 993, secure: true, password: 'from-env' },
      institutionalDomains: ['issste.gob.mx'],
      maxMessageBytes: 25 * 1024 * 1024,
      maxBodyChars: 4000,
    });
  });

  test('given the checked-in config/mailboxes.example.json, when loaded, then both desks parse with the failed-folder defaults', () => {
    const text = readFileSync(path.join(process.cwd(), 'config', 'mailboxes.example.json'), 'utf8');
    const env = { HELPDESK_MAILBOXES: text, CITA_IMAP_PASSWORD: 'a', TUSCAN_IMAP_PASSWORD: 'b' };

    const boxes = readMailboxSettings(env, '/nonexistent');

    expect(boxes.map((box) => [box.id, box.procedureId, box.failedFolder, box.maxAttempts])).toEqual([
      ['cita-desk', 'cita-report', 'Failed', 5],
      ['tuscan-desk', 'tuscan-gp-helpdesk', 'Failed', 5],
    ]);
  });

  test('given no variable and no file, when loaded, then there are no mailboxes', () => {
    expect(readMailboxSettings({}, '/nonexistent')).toEqual([]);
  });
});
