import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { FIXTURES, startTestApp, USERS, type TestApp, type UserName } from '../support/harness.js';

const PROCESSES = path.join(FIXTURES, 'bpmn', 'messages');

describe('messages and signals over HTTP (ADR 0018)', () => {
  const dbName = `t_${randomUUID().slice(0, 8)}`;
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ dbName, processesDir: PROCESSES, timerPollMs: 60_000 });
  });
  afterAll(async () => {
    await app.stop();
  });

  const open = async (procedure: string) => {
    const answer = await app.call('agentL1', 'POST', `/api/procedures/${procedure}/instances`, {});
    expect(answer.status).toBe(201);
    return answer.body;
  };
  const send = (instanceId: string, body: unknown, user: UserName = 'agentL1') =>
    app.call(user, 'POST', `/api/instances/${instanceId}/messages`, body);
  const events = async (instanceId: string): Promise<string[]> =>
    (await app.call('supervisor', 'GET', `/api/instances/${instanceId}`)).body.events.map((e: any) => e.type);
  async function keyed(url: string, body: unknown, key: string) {
    const response = await fetch(`${app.app.url}${url}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${USERS.agentL1.token}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  }
  async function taskOf(instance: { openTaskIds: string[] }, activityId: string): Promise<string> {
    for (const id of instance.openTaskIds) {
      const task = await app.call('agentL1', 'GET', `/api/tasks/${encodeURIComponent(id)}`);
      if (task.body.activityId === activityId) return id;
    }
    throw new Error(`no open task at ${activityId}`);
  }

  test('given a ticket waiting for the requester, when a message names its ticket number, then the reply is delivered, recorded and the head awaits the next event', async () => {
    const ticket = await open('msg-receive');
    expect(ticket.awaiting).toEqual([
      expect.objectContaining({ kind: 'message', name: 'requester-reply', activityId: 'wait-reply' }),
    ]);

    const answer = await app.call('agentL1', 'POST', '/api/messages', {
      name: 'requester-reply',
      businessKey: ticket.businessKey,
      variables: { answer: 'the printer works again' },
    });

    expect(answer.status).toBe(200);
    expect(answer.body.result).toBe('delivered');
    expect(answer.body.instance.id).toBe(ticket.id);
    expect(answer.body.instance.variables).toMatchObject({ answer: 'the printer works again' });
    expect(answer.body.instance.awaiting).toEqual([
      expect.objectContaining({ kind: 'signal', name: 'systems-restored' }),
    ]);
    expect(await events(ticket.id)).toContain('message.received');
  });

  test('given a message the ticket does not await, when it is sent, then 409 MESSAGE_NOT_AWAITED names it; an unknown ticket is 404', async () => {
    const ticket = await open('msg-receive');

    const wrong = await send(ticket.id, { name: 'vendor-reply' });
    const unknown = await app.call('agentL1', 'POST', '/api/messages', {
      name: 'requester-reply',
      businessKey: 'MRC-1999-999999',
    });

    expect(wrong.status).toBe(409);
    expect(wrong.body.error.code).toBe('MESSAGE_NOT_AWAITED');
    expect(wrong.body.error.message).toContain('vendor-reply');
    expect(unknown.status).toBe(404);
  });

  test('given the vendor case number in a variable, when the vendor reply correlates by it, then only that ticket receives it', async () => {
    const mine = await open('msg-vendor');
    const other = await open('msg-vendor');
    const caseNo = `CS-${randomUUID().slice(0, 6)}`;
    for (const [ticket, value] of [
      [mine, caseNo],
      [other, `${caseNo}-x`],
    ] as const) {
      const updated = await send(ticket.id, { name: 'requester-update', variables: { vendorCase: value } });
      expect(updated.status).toBe(200);
      const work = await taskOf(updated.body, 'work');
      expect(
        (await app.call('agentL1', 'POST', `/api/tasks/${encodeURIComponent(work)}/complete`, {})).status,
      ).toBe(200);
    }

    const answer = await app.call('agentL1', 'POST', '/api/messages', {
      name: 'vendor-reply',
      correlation: { vendorCase: caseNo },
      variables: { fix: 'patch 3.2' },
    });

    expect(answer.status).toBe(200);
    expect(answer.body.instance.id).toBe(mine.id);
    expect(await taskOf(answer.body.instance, 'handle-reply')).toContain(mine.id);
    const untouched = await app.call('supervisor', 'GET', `/api/instances/${other.id}`);
    expect(untouched.body.instance.awaiting).toEqual([expect.objectContaining({ name: 'vendor-reply' })]);
  });

  test('given several tickets waiting for a signal, when it is broadcast, then each waiting ticket receives it and the others are left alone', async () => {
    const tickets = [await open('msg-receive'), await open('msg-receive'), await open('msg-receive')];
    for (const ticket of tickets.slice(0, 2)) {
      expect((await send(ticket.id, { name: 'requester-reply' })).status).toBe(200);
    }

    const answer = await app.call('supervisor', 'POST', '/api/signals', { name: 'systems-restored' });

    expect(answer.status).toBe(200);
    const delivered = answer.body.delivered.map((r: any) => r.instanceId);
    expect(delivered).toEqual(expect.arrayContaining([tickets[0].id, tickets[1].id]));
    expect(delivered).not.toContain(tickets[2].id);
    for (const ticket of tickets.slice(0, 2)) expect(await events(ticket.id)).toContain('signal.received');
    expect(await events(tickets[2]!.id)).not.toContain('signal.received');
  });

  test('given a procedure started by a message, when that message is sent with no ticket waiting, then a ticket starts; a retry with the same key answers the same ticket', async () => {
    const key = randomUUID();

    const first = await keyed(
      '/api/messages',
      { name: 'portal-request', variables: { requestId: 'R-9' } },
      key,
    );
    const retry = await keyed(
      '/api/messages',
      { name: 'portal-request', variables: { requestId: 'R-9' } },
      key,
    );

    expect(first.status).toBe(201);
    expect(first.body.result).toBe('started');
    expect(first.body.instance.procedureId).toBe('msg-start');
    expect(first.body.instance.variables).toMatchObject({ requestId: 'R-9' });
    expect(first.body.instance.openTaskIds).toHaveLength(1);
    expect(retry.body.instance.id).toBe(first.body.instance.id);
  });

  test('given two deliveries of one message at once, then one wins (200) and the other gets 409', async () => {
    const ticket = await open('msg-receive');

    const answers = await Promise.all([
      send(ticket.id, { name: 'requester-reply' }),
      send(ticket.id, { name: 'requester-reply' }, 'agentL1b'),
    ]);

    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const loser = answers.find((a) => a.status === 409)!;
    expect(['MESSAGE_NOT_AWAITED', 'CONFLICT']).toContain(loser.body.error.code);
    expect((await events(ticket.id)).filter((type) => type === 'message.received')).toHaveLength(1);
  });

  test('given a delivery retried with its Idempotency-Key, then the retry answers the committed state instead of 409', async () => {
    const ticket = await open('msg-receive');
    const key = randomUUID();

    const first = await keyed(`/api/instances/${ticket.id}/messages`, { name: 'requester-reply' }, key);
    const retry = await keyed(`/api/instances/${ticket.id}/messages`, { name: 'requester-reply' }, key);

    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(retry.body.seq).toBe(first.body.seq);
  });

  test.each([
    ['an over-long name', { name: 'x'.repeat(201) }, 400],
    ['too many variable bytes', { name: 'requester-reply', variables: { big: 'x'.repeat(70_000) } }, 400],
    [
      'a variable name that is not an identifier',
      { name: 'requester-reply', variables: { __proto__x: 1 } },
      400,
    ],
    ['two correlation variables', { name: 'requester-reply', correlation: { a: 1, b: 2 } }, 400],
  ])('given %s, then the request is refused', async (_label, body, status) => {
    const answer = await app.call('agentL1', 'POST', '/api/messages', body);
    expect(answer.status).toBe(status);
    expect(answer.body.error.details.length).toBeGreaterThan(0);
  });

  test('given an analyst, when they broadcast a signal, then 403', async () => {
    expect((await app.call('analyst', 'POST', '/api/signals', { name: 'systems-restored' })).status).toBe(
      403,
    );
  });

  test('given tickets waiting on a boundary message and an event sub-process, when the app restarts, then both still take their messages', async () => {
    const vendor = await open('msg-vendor');
    const noted = await open('msg-event-sub');

    await app.stop();
    app = await startTestApp({ dbName, processesDir: PROCESSES, timerPollMs: 60_000 });
    const withdrawn = await send(vendor.id, { name: 'withdrawn' });
    const note = await app.call('agentL1', 'POST', '/api/messages', {
      name: 'requester-note',
      businessKey: noted.businessKey,
    });

    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('completed');
    expect(note.status).toBe(200);
    expect(await taskOf(note.body.instance, 'note')).toContain(noted.id);
    expect(await taskOf(note.body.instance, 'work')).toContain(noted.id);
  });
});
