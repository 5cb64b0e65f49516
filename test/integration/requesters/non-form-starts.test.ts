import path from 'node:path';
import { emailKey } from '../../../src/domain/requester.js';
import { FIXTURES, startTestApp, type TestApp } from '../../support/harness.js';
import { ManualClock } from '../../support/manual-clock.js';
import { waitFor } from '../../support/wait.js';

/**
 * Tickets opened without a start form go through the same start hooks as form starts
 * (docs/adr/0030): a start by message (`POST /api/messages`, ADR 0018) and a called ticket
 * (call activity, ADR 0019) get `receivedAt` / `receivedOutsideHours` computed from the
 * procedure's calendar (Tuscan desk, Mon-Fri 08:00-20:00 Rome), the courtesy reply, and their
 * requester registered in the directory with the ticket.
 */
const PROCESSES = path.join(FIXTURES, 'start-hooks', 'processes');
// Friday 13 March 2026, 21:30 in Rome: the desk reopens on Monday 16 March at 08:00 (07:00 UTC).
const FRIDAY_NIGHT = '2026-03-13T20:30:00.000Z';
const REOPENS = '2026-03-16T07:00:00.000Z';

describe('start hooks for message starts and called tickets', () => {
  let app: TestApp;
  const clock = new ManualClock(new Date(FRIDAY_NIGHT));
  beforeAll(async () => {
    app = await startTestApp({ processesDir: PROCESSES, clock, timerPollMs: 60_000 });
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
  });

  const view = async (id: string) => (await app.call('supervisor', 'GET', `/api/instances/${id}`)).body;
  const requesterOf = (email: string) => app.app.services.requesters.findByKey(emailKey(email));

  test('given a procedure started by message outside its hours, when the message arrives, then the ticket gets the computed out-of-hours facts (a sent value is ignored), the courtesy reply, and its requester is registered with it', async () => {
    const answer = await app.call('agentL1', 'POST', '/api/messages', {
      name: 'gp-voicemail',
      variables: {
        requesterName: 'Dott.ssa Giulia Rossi',
        requesterEmail: 'giulia.rossi@example.it',
        receivedOutsideHours: false,
      },
    });

    expect(answer.status).toBe(201);
    expect(answer.body.result).toBe('started');
    const ticket = await view(answer.body.instance.id);
    expect(ticket.instance.variables).toMatchObject({
      requesterEmail: 'giulia.rossi@example.it',
      receivedAt: FRIDAY_NIGHT,
      receivedOutsideHours: true,
      serviceReopensAt: REOPENS,
    });
    expect(ticket.messages).toEqual([
      expect.objectContaining({ template: 'out-of-hours', to: 'requester', language: 'it' }),
    ]);
    const requester = await requesterOf('giulia.rossi@example.it');
    expect(requester).toMatchObject({ source: 'ticket', name: 'Dott.ssa Giulia Rossi' });
    expect(requester!.tickets.map((t) => t.instanceId)).toEqual([ticket.instance.id]);
  });

  test('given a call activity opening a ticket of a procedure with desk hours, when it opens outside them, then the called ticket gets the out-of-hours facts and the courtesy reply, and is recorded on its requester', async () => {
    const started = await app.call('agentL1', 'POST', '/api/procedures/hooks-front-desk/instances', {
      requesterName: 'Dott. Paolo Neri',
      requesterEmail: 'paolo.neri@example.it',
      phone: '+39 055 123 4567',
      channel: 'phone',
    });
    expect(started.status).toBe(201);

    const childId = await waitFor(async () => (await view(started.body.id)).instance.calls?.[0]?.instanceId);
    const child = await waitFor(async () => {
      const called = await view(String(childId));
      return called?.instance?.status === 'running' ? called : undefined;
    });
    expect(child!.instance.variables).toMatchObject({
      requesterEmail: 'paolo.neri@example.it',
      receivedAt: FRIDAY_NIGHT,
      receivedOutsideHours: true,
      serviceReopensAt: REOPENS,
    });
    expect(child!.messages).toEqual([
      expect.objectContaining({ template: 'out-of-hours', to: 'requester', language: 'it' }),
    ]);
    const requester = await waitFor(async () => {
      const found = await requesterOf('paolo.neri@example.it');
      return found && found.tickets.length === 2 ? found : undefined;
    });
    expect(requester!.tickets.map((t) => t.instanceId).sort()).toEqual(
      [started.body.id, String(childId)].sort(),
    );
  });
});
