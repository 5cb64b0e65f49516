import path from 'node:path';
import { FileRecipientDirectory } from '../../../src/adapters/mail/file-directory.js';
import { resolveRecipients } from '../../../src/app/recipient-resolver.js';
import { loadConfig } from '../../../src/config.js';
import {
  CLOSED_MAIL_POLICY,
  isAllowedRecipient,
  mailPolicy,
  refusedCopies,
  sendTaskRecipientIssue,
} from '../../../src/domain/mail-policy.js';
import { parseFormSchema, validateSubmission } from '../../../src/domain/forms/index.js';
import { thrown } from '../../support/errors.js';

/** Who the desk may email (issue 9, docs/adr/0012-linear-regex-and-mail-policy.md). */
const policy = mailPolicy({
  addresses: ['Mesa.Central@example.org'],
  domains: ['@issste.gob.mx'],
  maxCc: 2,
});
const fixtureDirectory = () => FileRecipientDirectory.load(path.resolve('test/fixtures/mail/directory.json'));
const outsiders = (n: number) => Array.from({ length: n }, (_, i) => `spy${i}@evil.example`);

describe('the mail policy', () => {
  test.each([
    ['mesa.central@example.org', true],
    ['MESA.CENTRAL@EXAMPLE.ORG', true],
    ['otra@example.org', false],
    ['jefe@issste.gob.mx', true],
    ['direccion@umf21.issste.gob.mx', true],
    ['x@evilissste.gob.mx', false],
    ['x@issste.gob.mx.evil.example', false],
    ['issste.gob.mx', false],
  ])('given %s, then allowed is %s', (address, allowed) => {
    expect(isAllowedRecipient(policy, address)).toBe(allowed);
  });

  test('given more copies than the cap or an outside copy, then the copies are refused naming why', () => {
    expect(refusedCopies(policy, ['jefe@issste.gob.mx', 'mesa.central@example.org'])).toBeUndefined();
    expect(refusedCopies(policy, outsiders(3))).toBe('recipient not allowed: 3 addresses in copy, at most 2');
    expect(refusedCopies(policy, ['jefe@issste.gob.mx', 'jefe@hotmail.com'])).toBe(
      'recipient not allowed: jefe@hotmail.com (in copy)',
    );
  });

  test('given send tasks, then only a literal address outside the policy is a deploy issue naming the task', () => {
    expect(sendTaskRecipientIssue(policy, 'send-ack', 'requester')).toBeUndefined();
    expect(sendTaskRecipientIssue(policy, 'send-ack', 'central-desk')).toBeUndefined();
    expect(sendTaskRecipientIssue(policy, 'send-ack', undefined)).toBeUndefined();
    expect(sendTaskRecipientIssue(policy, 'send-ack', 'mesa.central@example.org')).toBeUndefined();
    expect(sendTaskRecipientIssue(policy, 'leak', ' spy@evil.example ')).toEqual({
      path: 'leak',
      reason: 'recipient-not-allowed',
      message:
        'send task <leak> mails <spy@evil.example>, which is neither in the directory nor in an allowed domain',
    });
  });

  test('given a send task whose recipient is picked by ticket data, then a group template passes and an address or a broken template is refused', () => {
    expect(sendTaskRecipientIssue(policy, 'notify', 'second-level-${escalationTarget}')).toBeUndefined();
    expect(sendTaskRecipientIssue(policy, 'notify', '${target}@evil.example')?.message).toBe(
      'send task <notify> mails <${target}@evil.example>: a recipient picked by ticket data may only name a directory group, not an address',
    );
    expect(sendTaskRecipientIssue(policy, 'notify', 'level-${escalationTarget')?.message).toContain(
      'send task <notify> mails <level-${escalationTarget>:',
    );
  });
});

describe('resolving recipients under the policy', () => {
  test('given mail to the requester at a personal address, then it is sent: the requester always gets their acknowledgement', async () => {
    const directory = await fixtureDirectory();

    expect(
      await resolveRecipients(
        'requester',
        { requesterEmail: 'ana@gmail.com' },
        directory,
        CLOSED_MAIL_POLICY,
      ),
    ).toEqual({ ok: true, to: ['ana@gmail.com'], cc: [] });
  });

  test('given 56 outside copies, or one, then the message is not allowed', async () => {
    const directory = await fixtureDirectory();
    const many = { requesterEmail: 'ana@issste.gob.mx', ccEmails: outsiders(56).join(', ') };
    const one = { requesterEmail: 'ana@issste.gob.mx', ccEmails: 'jefe@issste.gob.mx; spy@evil.example' };

    expect(await resolveRecipients('requester', many, directory, policy)).toEqual({
      ok: false,
      reason: 'recipient not allowed: 56 addresses in copy, at most 2',
    });
    expect(await resolveRecipients('requester', one, directory, policy)).toEqual({
      ok: false,
      reason: 'recipient not allowed: spy@evil.example (in copy)',
    });
  });

  test('given a literal address, then it must be allowed; a directory group always is', async () => {
    const directory = await fixtureDirectory();

    expect(await resolveRecipients('spy@evil.example', {}, directory, policy)).toEqual({
      ok: false,
      reason: 'recipient not allowed: spy@evil.example',
    });
    expect(await resolveRecipients('jefe@issste.gob.mx', {}, directory, policy)).toMatchObject({ ok: true });
    expect(await resolveRecipients('first-level', {}, directory, CLOSED_MAIL_POLICY)).toMatchObject({
      ok: true,
      to: ['helpdesk.primo-livello@example.org', 'turno.notte@example.org'],
    });
  });
});

describe('the policy from the directory file and the configuration', () => {
  test('given the shipped directory, then its addresses and allowed domains make the policy, plus configured domains', async () => {
    const directory = await FileRecipientDirectory.load(path.resolve('config/directory.json'));
    const shipped = directory.mailPolicy(['Partner.Example'], 3);

    expect(shipped.maxCc).toBe(3);
    expect(isAllowedRecipient(shipped, 'mesa.central@example.org')).toBe(true);
    expect(isAllowedRecipient(shipped, 'jefe@umf21.issste.gob.mx')).toBe(true);
    expect(isAllowedRecipient(shipped, 'x@partner.example')).toBe(true);
    expect(isAllowedRecipient(shipped, 'otra@example.org')).toBe(false);
  });

  test('given a directory whose allowedDomains are not domain names, then loading fails naming the key', () => {
    const error = thrown(() =>
      FileRecipientDirectory.parse('{"groups": {}, "allowedDomains": ["*"]}', 'odd.json'),
    );
    expect(error.message).toBe(
      'recipient directory odd.json: "allowedDomains" must be a list of domain names such as "example.org"',
    );
  });

  test('given HELPDESK_MAIL_ALLOWED_DOMAINS and HELPDESK_MAIL_MAX_CC, then they are read; defaults: none and 5', () => {
    const env = {
      HELPDESK_MAIL_ALLOWED_DOMAINS: ' @Partner.Example, asl.toscana.it ',
      HELPDESK_MAIL_MAX_CC: '2',
    };

    expect(loadConfig(env)).toMatchObject({
      mailAllowedDomains: ['partner.example', 'asl.toscana.it'],
      mailMaxCc: 2,
    });
    expect(loadConfig({})).toMatchObject({ mailAllowedDomains: [], mailMaxCc: 5 });
    expect(() => loadConfig({ HELPDESK_MAIL_ALLOWED_DOMAINS: 'ok.example, not a domain' })).toThrow(
      'HELPDESK_MAIL_ALLOWED_DOMAINS must list domain names separated by commas, got "not a domain"',
    );
  });
});

describe('form submission under the policy', () => {
  const schema = parseFormSchema(
    {
      type: 'default',
      id: 'copies',
      components: [
        { type: 'textfield', key: 'requesterEmail', validate: { validationType: 'email' } },
        { type: 'textfield', key: 'ccEmails', label: 'Copias', validate: { maxLength: 2000 } },
      ],
    },
    'copies.form',
  );
  const issues = (data: Record<string, unknown>) =>
    thrown(() => validateSubmission(schema, data, { mailPolicy: policy })).details;

  test('given allowed copies and any requester address, then the submission is accepted', () => {
    const data = {
      requesterEmail: 'ana@gmail.com',
      ccEmails: 'jefe@issste.gob.mx, Mesa.Central@example.org',
    };
    expect(validateSubmission(schema, data, { mailPolicy: policy })).toEqual(data);
  });

  test('given 56 copies, then too-many-copies names the field', () => {
    expect(issues({ ccEmails: outsiders(56).join(', ') })).toEqual([
      {
        path: 'ccEmails',
        reason: 'too-many-copies',
        message: '"Copias" lists 56 addresses; at most 2 may be copied',
      },
    ]);
  });

  test('given an outside copy, then recipient-not-allowed names the field and the address', () => {
    expect(issues({ ccEmails: 'jefe@issste.gob.mx; jefe@hotmail.com' })).toEqual([
      {
        path: 'ccEmails',
        reason: 'recipient-not-allowed',
        message:
          '"Copias" may only copy addresses of the directory or of an allowed domain (issste.gob.mx), not jefe@hotmail.com',
      },
    ]);
  });

  test('given no policy, then copies are not restricted (the validator is configured with one in the app)', () => {
    expect(validateSubmission(schema, { ccEmails: 'jefe@hotmail.com' })).toEqual({
      ccEmails: 'jefe@hotmail.com',
    });
  });
});
