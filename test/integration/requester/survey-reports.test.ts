import { periodOf } from '../../../src/domain/reports/period.js';
import { webLogin } from '../../support/web-client.js';
import { startRequesterWorld, type RequesterWorld } from './requester-world.js';

/**
 * Survey answers reach the reports (docs/adr/0025, 0027): an answer by link while the ticket runs
 * and a paper ballot typed in after it ended both count in `surveyed` and the mean `satisfaction`.
 */
const SUPERVISOR = { id: 'sofia', roles: ['supervisor' as const], groups: [] };
const DAY = '2030-05-14';
let world: RequesterWorld;

describe('survey answers in the reports', () => {
  beforeAll(async () => {
    world = await startRequesterWorld({
      now: new Date(`${DAY}T08:00:00Z`),
      env: { HELPDESK_TIME_ZONE: 'UTC' },
    });
  }, 60_000);
  afterAll(() => world?.close());

  const view = async (id: string) => (await world.app.call('supervisor', 'GET', `/api/instances/${id}`)).body;

  async function completeOpenTask(id: string): Promise<void> {
    const taskId = (await view(id)).instance.openTaskIds[0];
    expect((await world.app.call('agentL1', 'POST', `/api/tasks/${taskId}/complete`, {})).status).toBe(200);
  }

  /** Review, the requester's reply, close: the survey is mailed and `learn` is open. */
  async function toSurvey(email: string) {
    const ticket = await world.open(email);
    await completeOpenTask(ticket.id);
    await world.app.app.services.messages.deliver(
      ticket.id,
      { name: 'requester-reply', variables: {} },
      SUPERVISOR,
    );
    await completeOpenTask(ticket.id);
    return ticket;
  }

  test('given one answer by link, one paper ballot after closure and one ticket without answer, when the day is reported, then two of three are surveyed with a mean of 3', async () => {
    const before = world.sink.received.length;
    const byLink = await toSurvey('link@example.org');
    const link = world.linkIn(await world.mail('link@example.org', 'Satisfaction survey', before), 's');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await world.fetch(link)).text())?.[1] ?? '';
    const answered = await world.fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, rating: '4', comment: 'Quick' }),
    });
    expect(answered.status).toBe(200);
    await completeOpenTask(byLink.id); // learn: the ticket ends after the answer

    const onPaper = await toSurvey('paper@example.org');
    await completeOpenTask(onPaper.id);
    expect((await view(onPaper.id)).instance.status).toBe('completed');
    const luis = await webLogin(world.app, 'luis');
    const ballot = await luis.post(`/requester-staff/${onPaper.id}/paper-ballot`, {
      rating: '2',
      comment: 'boleta',
      back: '/inbox',
    });
    expect(ballot.status).toBe(303);
    expect(ballot.location).toBe('/inbox?requester=ballot#requester');

    const silent = await toSurvey('silent@example.org');
    await completeOpenTask(silent.id);

    const { total } = await world.app.app.services.reports.report(SUPERVISOR, {
      period: periodOf('day', DAY, 'UTC'),
      groupBy: 'none',
    });
    expect(total.closed).toBe(3);
    expect(total.surveyed).toEqual({ count: 2, of: 3, rate: 2 / 3 });
    expect(total.satisfaction).toBe(3);
  });
});
