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
    const a = intakeKey('desk', { uid: 1, uidValidity: '9' });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(intakeKey('desk', { uid: 2, uidValidity: '9' })).not.toBe(a);
    expect(intakeKey('other', { uid: 1, uidValidity: '9' })).not.toBe(a);
    expect(intakeKey('desk', { uid: 1, uidValidity: '9', messageId: 'm@x' })).toBe(
      intakeKey('desk', { uid: 5, uidValidity: '1', messageId: 'm@x' }),
    );
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

  test('given no variable and no file, when loaded, then there are no mailboxes', () => {
    expect(readMailboxSettings({}, '/nonexistent')).toEqual([]);
  });
});
