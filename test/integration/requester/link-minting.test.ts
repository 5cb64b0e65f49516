import { randomUUID } from 'node:crypto';
import { connectDatabase, type Database } from '../../../src/adapters/db/connect.js';
import { MongoRequesterLinks } from '../../../src/adapters/persistence/mongo-requester-links.js';
import { addRequesterLinks } from '../../../src/app/requester-link-mail.js';
import { RequesterLinks } from '../../../src/app/requester-links.js';
import type { OutboxMessage } from '../../../src/domain/instance.js';
import { isAppError } from '../../../src/domain/errors.js';
import { ManualClock } from '../../support/manual-clock.js';

const SECRET = 'a-test-secret-of-at-least-32-characters!';
let database: Database;

describe('minting tracking links', () => {
  beforeAll(async () => {
    database = await connectDatabase(
      process.env.TEST_MONGODB_URI as string,
      `links_${randomUUID().slice(0, 8)}`,
    );
  });
  afterAll(() => database?.close());

  function links(
    clock: ManualClock,
    secret: string | null = SECRET,
    languageOf?: (email: string) => Promise<string | undefined>,
  ) {
    return new RequesterLinks({
      store: new MongoRequesterLinks(database.connection),
      clock,
      publicUrl: 'https://desk.example.org',
      trackDays: 30,
      ...(secret ? { secret } : {}),
      ...(languageOf ? { languageOf } : {}),
    });
  }

  /** The token of a minted link (`.../r/<token>?lang=xx`). */
  function tokenOf(url: unknown): string {
    const token = /\/[rs]\/([A-Za-z0-9_-]{43})(?:\?|$)/.exec(String(url))?.[1];
    if (!token) throw new Error(`no token in ${String(url)}`);
    return token;
  }

  function message(id: string, fields: Partial<OutboxMessage> = {}): OutboxMessage {
    return {
      id,
      instanceId: 'instance-1',
      activityId: 'survey',
      template: 'satisfaction-survey',
      language: 'es',
      to: 'requester',
      variables: { ticketNumber: 'RQ-2030-000001', requesterEmail: 'Ana@Example.org' },
      createdAt: new Date('2030-03-04T09:00:00Z'),
      ...fields,
    };
  }

  async function refusal(work: Promise<unknown>): Promise<string> {
    try {
      await work;
    } catch (error) {
      if (isAppError(error)) return `${error.code}:${error.details[0]?.reason ?? ''}`;
      throw error;
    }
    return 'accepted';
  }

  test('given one outbox message, when it is delivered twice (a retry, another process with the same secret), then both attempts mail the same working links', async () => {
    const clock = new ManualClock(new Date('2030-03-04T09:00:00Z'));
    const first = await addRequesterLinks(message('m-1'), links(clock));
    clock.advance(60_000);
    const again = await addRequesterLinks(message('m-1'), links(clock));

    expect(again.variables).toEqual(first.variables);
    const trackingUrl = String(first.variables.trackingUrl);
    const surveyUrl = String(first.variables.surveyUrl);
    expect(trackingUrl).toMatch(/^https:\/\/desk\.example\.org\/r\/[A-Za-z0-9_-]{43}\?lang=es$/);
    expect(surveyUrl).toMatch(/^https:\/\/desk\.example\.org\/s\/[A-Za-z0-9_-]{43}\?lang=es$/);
    const granted = await links(clock).check(tokenOf(trackingUrl), 'track');
    expect(granted).toMatchObject({ instanceId: 'instance-1', email: 'ana@example.org', purpose: 'track' });
    // Stored hashed: the token itself is nowhere in the collection.
    const stored = await database.connection.collection('requester_tokens').find({}).toArray();
    expect(JSON.stringify(stored)).not.toContain(tokenOf(trackingUrl));
  });

  test('given messages to a group, to an address or to a requester without email, when links are added, then none is minted', async () => {
    const clock = new ManualClock(new Date('2030-03-04T09:00:00Z'));
    for (const fields of [{ to: 'l1' }, { to: 'boss@example.org' }, { variables: { ticketNumber: 'X' } }]) {
      const out = await addRequesterLinks(message(`m-${randomUUID()}`, fields), links(clock));
      expect(out.variables.trackingUrl).toBeUndefined();
      expect(out.variables.surveyUrl).toBeUndefined();
    }
    const ack = await addRequesterLinks(
      message('m-ack', { template: 'ticket-acknowledgement' }),
      links(clock),
    );
    expect(ack.variables.trackingUrl).toBeDefined();
    expect(ack.variables.surveyUrl).toBeUndefined();
  });

  test('given survey and tracking links, when they are checked for the wrong purpose, after expiry, revocation or use, then each is refused with its reason', async () => {
    const clock = new ManualClock(new Date('2030-03-04T09:00:00Z'));
    const service = links(clock);
    const out = await addRequesterLinks(message('m-rules', { instanceId: 'instance-rules' }), service);
    const track = tokenOf(out.variables.trackingUrl);
    const survey = tokenOf(out.variables.surveyUrl);

    expect(await refusal(service.check(track, 'survey'))).toBe('LINK_INVALID:invalid');
    expect(await refusal(service.check(survey, 'track'))).toBe('LINK_INVALID:invalid');
    expect(await refusal(service.check('short', 'track'))).toBe('LINK_INVALID:');

    await service.markUsed(await service.check(survey, 'survey'));
    expect(await refusal(service.check(survey, 'survey'))).toBe('LINK_EXPIRED:used');

    clock.advance(15 * 86_400_000); // survey links live 14 days, tracking links 30
    const fresh = await addRequesterLinks(message('m-fresh', { instanceId: 'instance-rules' }), service);
    expect(await refusal(service.check(tokenOf(fresh.variables.surveyUrl), 'survey'))).toBe('accepted');
    expect(await refusal(service.check(track, 'track'))).toBe('accepted');

    clock.advance(1000);
    await service.revokeAll('instance-rules', 'sofia');
    expect(await refusal(service.check(track, 'track'))).toBe('LINK_EXPIRED:revoked');
    clock.advance(1000);
    const after = await service.mintRandom('track', 'instance-rules', 'ana@example.org');
    expect(await refusal(service.check(tokenOf(after), 'track'))).toBe('accepted');

    clock.advance(31 * 86_400_000);
    expect(await refusal(service.check(tokenOf(after), 'track'))).toBe('LINK_EXPIRED:expired');
  });

  test('given two app processes without a configured secret, when a link page form posts to the other process, then its CSRF token is accepted there', () => {
    const clock = new ManualClock(new Date('2030-03-04T09:00:00Z'));
    const token = 'x'.repeat(43);
    expect(links(clock, null).csrfFor(token)).toBe(links(clock, null).csrfFor(token));
    expect(links(clock, null).csrfFor(token)).not.toBe(links(clock, null).csrfFor('y'.repeat(43)));
  });

  test("given a delivery retried after the ticket's links were revoked, when links are added again, then a fresh working link is mailed (the same one on every later retry)", async () => {
    const clock = new ManualClock(new Date('2030-03-04T09:00:00Z'));
    const service = links(clock);
    const ack = message('m-revoked', { instanceId: 'instance-revoked', template: 'ticket-acknowledgement' });
    const first = tokenOf((await addRequesterLinks(ack, service)).variables.trackingUrl);
    clock.advance(1000);
    await service.revokeAll('instance-revoked', 'sofia');
    clock.advance(1000);

    const retried = tokenOf((await addRequesterLinks(ack, service)).variables.trackingUrl);
    clock.advance(60_000);
    const retriedAgain = tokenOf((await addRequesterLinks(ack, links(clock))).variables.trackingUrl);

    expect(retried).not.toBe(first);
    expect(retriedAgain).toBe(retried);
    expect(await refusal(service.check(first, 'track'))).toBe('LINK_EXPIRED:revoked');
    expect(await refusal(service.check(retried, 'track'))).toBe('accepted');
  });

  test("given the ticket's requesterLanguage, the directory's language or neither, when links are added, then they carry the requester's language", async () => {
    const clock = new ManualClock(new Date('2030-03-04T09:00:00Z'));
    const directory = async (email: string) => (email === 'ana@example.org' ? 'en' : undefined);
    const service = links(clock, SECRET, directory);
    const variables = { ticketNumber: 'RQ-2030-000009', requesterEmail: 'ana@example.org' };
    const lang = async (vars: Record<string, unknown>, language = 'es') => {
      const out = await addRequesterLinks(
        message(`m-${randomUUID()}`, { variables: vars, language }),
        service,
      );
      return [out.variables.trackingUrl, out.variables.surveyUrl].map(
        (url) => /\?lang=(\w+)$/.exec(String(url))?.[1],
      );
    };

    expect(await lang({ ...variables, requesterLanguage: 'it' })).toEqual(['it', 'it']); // picked on the portal
    expect(await lang(variables)).toEqual(['en', 'en']); // the directory's
    expect(await lang({ ...variables, requesterLanguage: 'fr' })).toEqual(['en', 'en']); // unsupported: ignored
    expect(await lang({ ...variables, requesterEmail: 'new@example.org' }, 'it')).toEqual(['it', 'it']); // the message's
    expect(await lang({ ...variables, requesterEmail: 'new@example.org' }, 'xx')).toEqual([
      undefined,
      undefined,
    ]);
  });
});
