import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { FileRecipientDirectory } from '../../../src/adapters/mail/file-directory.js';
import { resolveRecipients } from '../../../src/app/recipient-resolver.js';
import { mailPolicy } from '../../../src/domain/mail-policy.js';
import { rejection } from '../../support/errors.js';

const MAIL = path.resolve('test/fixtures/mail');
/** Copies and literal addresses need a policy that allows them (docs/adr/0012). */
const ALLOWING = mailPolicy({ domains: ['issste.gob.mx', 'example.org'] });

describe('resolving outbox recipients', () => {
  let directory: FileRecipientDirectory;
  beforeAll(async () => {
    directory = await FileRecipientDirectory.load(path.join(MAIL, 'directory.json'));
  });

  test('given requester, then the requesterEmail variable is used, with the copies in ccEmails', async () => {
    const variables = {
      requesterEmail: ' ana@issste.gob.mx ',
      ccEmails: 'jefe@issste.gob.mx; bad, ana@issste.gob.mx',
    };

    expect(await resolveRecipients('requester', variables, directory, ALLOWING)).toEqual({
      ok: true,
      to: ['ana@issste.gob.mx'],
      cc: ['jefe@issste.gob.mx'],
    });
  });

  test.each([
    [{ email: 'b@example.org', contactEmail: 'c@example.org' }, 'b@example.org'],
    [{ requesterEmail: '', contactEmail: 'c@example.org' }, 'c@example.org'],
  ])('given requester variables %j, then %s is used', async (variables, address) => {
    expect(await resolveRecipients('requester', variables, directory)).toEqual({
      ok: true,
      to: [address],
      cc: [],
    });
  });

  test('given a group id, then the directory addresses are used', async () => {
    expect(await resolveRecipients('first-level', {}, directory)).toEqual({
      ok: true,
      to: ['helpdesk.primo-livello@example.org', 'turno.notte@example.org'],
      cc: [],
    });
  });

  test('given an explicit address, then it is used as is', async () => {
    expect(await resolveRecipients('desk@example.org', {}, directory, ALLOWING)).toEqual({
      ok: true,
      to: ['desk@example.org'],
      cc: [],
    });
  });

  test.each([
    [
      'requester',
      {},
      'recipient <requester> has no email address (requesterEmail, email, contactEmail are empty)',
    ],
    [
      'requester',
      { requesterEmail: 'ana at issste' },
      'recipient <requester> has an invalid email address in requesterEmail: "ana at issste"',
    ],
    [
      'requester',
      { requesterEmail: 42 },
      'recipient <requester> has no email address (requesterEmail, email, contactEmail are empty)',
    ],
    ['unknown-desk', {}, 'recipient group <unknown-desk> is not in the directory'],
    ['empty-group', {}, 'recipient group <empty-group> has no addresses'],
    ['a@b@example.org', {}, 'recipient <a@b@example.org> is not a valid email address'],
    [
      'x@example.org\r\nBcc: y@example.org',
      {},
      'recipient <x@example.org\r\nBcc: y@example.org> is not a valid email address',
    ],
    [undefined, {}, 'the message names no recipient'],
  ])('given %j with %j, then it is unresolvable: %s', async (hint, variables, reason) => {
    expect(await resolveRecipients(hint, variables, directory)).toEqual({ ok: false, reason });
  });

  test('given a hint picked by the ticket data, then the group it names is used', async () => {
    const variables = { escalationTarget: 'First-Level', level: 'desk' };

    expect(await resolveRecipients('${escalationTarget}', variables, directory)).toEqual({
      ok: true,
      to: ['helpdesk.primo-livello@example.org', 'turno.notte@example.org'],
      cc: [],
    });
    expect(await resolveRecipients('specialised-${level}', variables, directory)).toMatchObject({
      ok: true,
    });
  });

  test.each([
    [{ escalationTarget: 'boss@evil.example' }, 'not a directory group id'],
    [{ escalationTarget: 'requester' }, 'not a directory group id'],
    [{}, 'resolved to null'],
    [{ escalationTarget: 'unknown' }, 'recipient group <unknown> is not in the directory'],
  ])('given ticket data %j, then a dynamic hint refuses it (%s)', async (variables, reason) => {
    const answer = await resolveRecipients('${escalationTarget}', variables, directory, ALLOWING);

    expect(answer.ok).toBe(false);
    expect(answer.ok ? '' : answer.reason).toContain(reason);
  });

  test.each([
    [{ escalationTarget: 'desk' }, 'specialised-desk'],
    [{}, 'first-level'],
    [{ escalationTarget: '' }, 'first-level'],
    [{ escalationTarget: 'nowhere' }, 'first-level'],
  ])(
    'given a hint with a fallback and ticket data %j, then the first alternative the directory holds is used (%s)',
    async (variables, group) => {
      const answer = await resolveRecipients(
        'specialised-${escalationTarget}|first-level',
        variables,
        directory,
      );

      expect(answer).toEqual({ ok: true, to: await directory.addressesOf(group), cc: [] });
    },
  );

  test('given a fallback hint whose first group is emptied, when resolved, then the next alternative with addresses is used', async () => {
    // An admin cleared the addresses of the matrix group the ticket picked (e.g. second-level-as).
    const answer = await resolveRecipients(
      '${escalationTarget}|first-level',
      { escalationTarget: 'empty-group' },
      directory,
    );

    expect(answer).toEqual({ ok: true, to: await directory.addressesOf('first-level'), cc: [] });
  });

  test('given a fallback hint whose groups are all empty or missing, then the error names the first empty group', async () => {
    const answer = await resolveRecipients(
      'nowhere|${escalationTarget}|empty-group',
      { escalationTarget: 'empty-group' },
      directory,
    );

    expect(answer).toEqual({ ok: false, reason: 'recipient group <empty-group> has no addresses' });
  });

  test.each([
    ['${escalationTarget}|nowhere', '<nowhere> is not in the directory'],
    ['${escalationTarget}|desk@example.org', '"desk@example.org" is not a directory group id'],
    ['${escalationTarget}|requester', '"requester" is not a directory group id'],
  ])('given the fallback hint %s naming no group, then it is unresolvable (%s)', async (hint, reason) => {
    const answer = await resolveRecipients(
      hint,
      { escalationTarget: 'boss@evil.example' },
      directory,
      ALLOWING,
    );

    expect(answer.ok).toBe(false);
    expect(answer.ok ? '' : answer.reason).toContain(reason);
  });
});

describe('the recipient directory file', () => {
  test('given a missing file, then the directory is empty', async () => {
    const empty = await FileRecipientDirectory.load(path.join(MAIL, 'no-such-directory.json'));

    expect(await empty.addressesOf('first-level')).toBeUndefined();
  });

  test.each([
    ['directory-bad-address.json', 'group <quality-admin> must be a list of email addresses'],
    ['directory-not-json.json', 'not valid JSON'],
  ])('given %s, then loading fails naming the problem', async (file, problem) => {
    const error = await rejection(FileRecipientDirectory.load(path.join(MAIL, file)));

    expect(error.message).toContain(problem);
  });

  test('given the shipped config/directory.json, then every lane, send-task recipient and SLA notify group is in it', async () => {
    const directory = await FileRecipientDirectory.load(path.resolve('config/directory.json'));
    const files = (await readdir('processes')).filter((f) => f.endsWith('.bpmn'));
    const ids = new Set<string>();
    for (const file of files) {
      const xml = await readFile(path.join('processes', file), 'utf8');
      for (const [, id] of xml.matchAll(/<bpmn:lane id="([^"]+)"/g)) ids.add(id as string);
      for (const [, id] of xml.matchAll(/name="to" value="([^"]+)"/g)) ids.add(id as string);
    }
    for (const file of (await readdir('config/sla')).filter((f) => f.endsWith('.json'))) {
      const policy = JSON.parse(await readFile(path.join('config/sla', file), 'utf8'));
      for (const level of policy.escalation ?? [])
        for (const to of level.notify ?? []) if (!to.includes('@')) ids.add(to);
    }
    ids.delete('requester'); // resolved from the instance variables, never from the directory
    // Picked by ticket data: every value the escalation forms offer names a group.
    const picked: [string, Record<string, string>[]][] = [
      [
        'second-level-${escalationTarget}',
        ['internal', 'as', 'rt', 'estar'].map((t) => ({ escalationTarget: t })),
      ],
      [
        'second-level-${escalationTarget}|second-level',
        [{}, ...['internal', 'as', 'rt', 'estar'].map((t) => ({ escalationTarget: t }))],
      ],
      [
        'cita-${escalationMatrix}-level-${escalationLevel}',
        ['issste', 'me', 'mcs'].flatMap((m) =>
          ['1', '2'].map((l) => ({ escalationMatrix: m, escalationLevel: l })),
        ),
      ],
    ];
    for (const [hint, choices] of picked) {
      expect(ids.delete(hint)).toBe(true);
      for (const variables of choices) {
        const resolved = await resolveRecipients(hint, variables, directory);
        expect([hint, variables, resolved.ok]).toEqual([hint, variables, true]);
      }
    }
    expect([...ids].filter((id) => id.includes('${'))).toEqual([]);

    const missing = [];
    for (const id of ids) if (!(await directory.addressesOf(id))?.length) missing.push(id);
    expect(ids.size).toBeGreaterThan(5);
    expect(missing).toEqual([]);
  });
});
