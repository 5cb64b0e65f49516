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

beforeAll(async () => {
  database = await connectDatabase(
    process.env.TEST_MONGODB_URI as string,
    `links_${randomUUID().slice(0, 8)}`,
  );
});
afterAll(() => database?.close());

function links(clock: ManualClock, secret: string | null = SECRET) {
  return new RequesterLinks({
    store: new MongoRequesterLinks(database.connection),
    clock,
    publicUrl: 'https://desk.example.org',
    trackDays: 30,
    ...(secret ? { secret } : {}),
  });
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
  expect(trackingUrl).toMatch(/^https:\/\/desk\.example\.org\/r\/[A-Za-z0-9_-]{43}$/);
  expect(surveyUrl).toMatch(/^https:\/\/desk\.example\.org\/s\/[A-Za-z0-9_-]{43}$/);
  const granted = await links(clock).check(trackingUrl.slice(-43), 'track');
  expect(granted).toMatchObject({ instanceId: 'instance-1', email: 'ana@example.org', purpose: 'track' });
  // Stored hashed: the token itself is nowhere in the collection.
  const stored = await database.connection.collection('requester_tokens').find({}).toArray();
  expect(JSON.stringify(stored)).not.toContain(trackingUrl.slice(-43));
});

test('given messages to a group, to an address or to a requester without email, when links are added, then none is minted', async () => {
  const clock = new ManualClock(new Date('2030-03-04T09:00:00Z'));
  for (const fields of [{ to: 'l1' }, { to: 'boss@example.org' }, { variables: { ticketNumber: 'X' } }]) {
    const out = await addRequesterLinks(message(`m-${randomUUID()}`, fields), links(clock));
    expect(out.variables.trackingUrl).toBeUndefined();
    expect(out.variables.surveyUrl).toBeUndefined();
  }
  const ack = await addRequesterLinks(message('m-ack', { template: 'ticket-acknowledgement' }), links(clock));
  expect(ack.variables.trackingUrl).toBeDefined();
  expect(ack.variables.surveyUrl).toBeUndefined();
});

test('given survey and tracking links, when they are checked for the wrong purpose, after expiry, revocation or use, then each is refused with its reason', async () => {
  const clock = new ManualClock(new Date('2030-03-04T09:00:00Z'));
  const service = links(clock);
  const out = await addRequesterLinks(message('m-rules', { instanceId: 'instance-rules' }), service);
  const track = String(out.variables.trackingUrl).slice(-43);
  const survey = String(out.variables.surveyUrl).slice(-43);

  expect(await refusal(service.check(track, 'survey'))).toBe('LINK_INVALID:invalid');
  expect(await refusal(service.check(survey, 'track'))).toBe('LINK_INVALID:invalid');
  expect(await refusal(service.check('short', 'track'))).toBe('LINK_INVALID:');

  await service.markUsed(await service.check(survey, 'survey'));
  expect(await refusal(service.check(survey, 'survey'))).toBe('LINK_EXPIRED:used');

  clock.advance(15 * 86_400_000); // survey links live 14 days, tracking links 30
  const fresh = await addRequesterLinks(message('m-fresh', { instanceId: 'instance-rules' }), service);
  expect(await refusal(service.check(String(fresh.variables.surveyUrl).slice(-43), 'survey'))).toBe(
    'accepted',
  );
  expect(await refusal(service.check(track, 'track'))).toBe('accepted');

  clock.advance(1000);
  await service.revokeAll('instance-rules', 'sofia');
  expect(await refusal(service.check(track, 'track'))).toBe('LINK_EXPIRED:revoked');
  clock.advance(1000);
  const after = await service.mintRandom('track', 'instance-rules', 'ana@example.org');
  expect(await refusal(service.check(after.slice(-43), 'track'))).toBe('accepted');

  clock.advance(31 * 86_400_000);
  expect(await refusal(service.check(after.slice(-43), 'track'))).toBe('LINK_EXPIRED:expired');
});

test('given two app processes without a configured secret, when a link page form posts to the other process, then its CSRF token is accepted there', () => {
  const clock = new ManualClock(new Date('2030-03-04T09:00:00Z'));
  const token = 'x'.repeat(43);
  expect(links(clock, null).csrfFor(token)).toBe(links(clock, null).csrfFor(token));
  expect(links(clock, null).csrfFor(token)).not.toBe(links(clock, null).csrfFor('y'.repeat(43)));
});
