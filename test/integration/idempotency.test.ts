import { randomUUID } from 'node:crypto';
import { MongoInstanceStore } from '../../src/adapters/persistence/mongo-instance-store.js';
import { USERS, type TestApp, type UserName } from '../support/harness.js';
import { startWebApp } from '../support/web-accounts.js';
import { webLogin } from '../support/web-client.js';
import { REVIEW_INTAKE } from '../support/review-intake.js';

const intake = REVIEW_INTAKE;
const decision = { solved: false, priority: 'blocking' };
const KEY_FIELD = /name="_idempotencyKey" value="([^"]+)"/;

describe('Idempotency-Key: a retried start or completion answers the original result', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startWebApp({ timerPollMs: 60_000 });
  });
  afterAll(async () => {
    await app.stop();
  });

  /** A JSON call with an Idempotency-Key header. */
  async function keyed(user: UserName, url: string, body: unknown, key: string) {
    const response = await fetch(`${app.app.url}${url}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${USERS[user].token}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  }
  const start = (user: UserName, key: string, procedure = 'review-request') =>
    keyed(user, `/api/procedures/${procedure}/instances`, procedure === 'review-request' ? intake : {}, key);

  test('given a start whose answer was lost, when it is sent again with its key, then the same ticket answers and no number is burnt', async () => {
    const key = randomUUID();

    const first = await start('agentL1', key);
    const retry = await start('agentL1', key);
    const next = await app.call('agentL1', 'POST', '/api/procedures/review-request/instances', intake);

    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.body).toEqual(first.body);
    const number = (answer: { body: { businessKey: string } }) => Number(answer.body.businessKey.slice(-6));
    expect(number(next)).toBe(number(first) + 1);
  });

  test('given five starts with one key at once, then they all answer one ticket', async () => {
    const key = randomUUID();

    const answers = await Promise.all(Array.from({ length: 5 }, () => start('agentL1', key)));

    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(new Set(answers.map((a) => a.body.businessKey)).size).toBe(1);
  });

  test('given two users sending the same key, then each opens their own ticket; one user reusing it for another procedure gets 409', async () => {
    const key = randomUUID();

    const luis = await start('agentL1', key);
    const lucia = await start('agentL1b', key);
    const other = await start('agentL1', key, 'sla-escalation');

    expect(lucia.body.id).not.toBe(luis.body.id);
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('CONFLICT');
    expect(other.body.error.message).toContain(luis.body.businessKey);
  });

  test.each([
    ['too long', 'k'.repeat(201)],
    ['with a space', 'my key'],
    ['not ASCII', 'clé-1'],
  ])('given a key %s, then 400 naming the header', async (_what, key) => {
    const answer = await start('agentL1', key);
    expect(answer.status).toBe(400);
    expect(answer.body.error.details[0].path).toBe('Idempotency-Key');
  });

  test('given a completion whose answer was lost, when retried with its key, then 200 with the same state; another key or user gets 409', async () => {
    const started = await start('agentL1', randomUUID());
    const taskId = started.body.openTaskIds[0] as string;
    const key = randomUUID();

    const first = await keyed('agentL1', `/api/tasks/${taskId}/complete`, decision, key);
    const retry = await keyed('agentL1', `/api/tasks/${taskId}/complete`, decision, key);
    const otherKey = await keyed('agentL1', `/api/tasks/${taskId}/complete`, decision, randomUUID());
    const otherUser = await keyed('agentL1b', `/api/tasks/${taskId}/complete`, decision, key);

    expect([first.status, retry.status, otherKey.status, otherUser.status]).toEqual([200, 200, 409, 409]);
    expect(retry.body.seq).toBe(first.body.seq);
    expect(retry.body.openTaskIds).toEqual(first.body.openTaskIds);
    const events = await new MongoInstanceStore(app.app.database.models).listEvents(started.body.id);
    expect(events.map((e) => [e.type, e.data.idempotencyKey])).toEqual([
      ['instance.started', undefined],
      ['task.completed', key],
    ]);
  });

  test('given one completion sent twice at once with its key, then both answer 200 and the task completes once', async () => {
    const started = await start('agentL1', randomUUID());
    const taskId = started.body.openTaskIds[0] as string;
    const key = randomUUID();

    const answers = await Promise.all([
      keyed('agentL1', `/api/tasks/${taskId}/complete`, decision, key),
      keyed('agentL1', `/api/tasks/${taskId}/complete`, decision, key),
    ]);

    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const events = await new MongoInstanceStore(app.app.database.models).listEvents(started.body.id);
    expect(events.filter((e) => e.type === 'task.completed')).toHaveLength(1);
  });

  test('given the web start form, when it is posted twice (double click), then one ticket opens and both land on its task', async () => {
    const luis = await webLogin(app, 'luis');
    const form = await luis.get('/start/review-request');
    const key = KEY_FIELD.exec(form.text)?.[1];
    expect(key).toBeDefined();
    const fields = {
      requesterName: 'Pablo',
      requesterEmail: 'pablo@example.org',
      phone: '600 123 456',
      channel: 'email',
      _idempotencyKey: key!,
    };

    const answers = [
      await luis.post('/start/review-request', fields),
      await luis.post('/start/review-request', fields),
    ];

    expect(answers.map((a) => a.status)).toEqual([303, 303]);
    expect(answers[1]!.location).toBe(answers[0]!.location);
    expect(answers[0]!.location).toMatch(/^\/tasks\//);
  });

  test('given the web task form, when it is posted again after the first went through, then the agent lands on the inbox, not on an error', async () => {
    const started = await start('agentL1', randomUUID());
    const taskId = started.body.openTaskIds[0] as string;
    const luis = await webLogin(app, 'luis');
    const page = await luis.get(`/tasks/${encodeURIComponent(taskId)}`);
    const key = KEY_FIELD.exec(page.text)?.[1];
    expect(key).toBeDefined();
    const fields = { priority: 'blocking', _idempotencyKey: key! };

    const first = await luis.post(`/tasks/${encodeURIComponent(taskId)}`, fields);
    const again = await luis.post(`/tasks/${encodeURIComponent(taskId)}`, fields);

    expect([first.status, again.status]).toEqual([303, 303]);
    expect(again.location).toBe(first.location);
    expect(first.location).toMatch(/^\/inbox\?/);
  });
});
