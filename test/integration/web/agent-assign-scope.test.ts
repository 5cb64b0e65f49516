import { USERS, type TestApp } from '../../support/harness.js';
import { startWebApp } from '../../support/web-accounts.js';
import { webLogin, type WebClient } from '../../support/web-client.js';

const PROCEDURE = 'review-request';
const START = {
  requesterName: 'Rosa',
  requesterEmail: 'rosa@example.org',
  phone: '600 111 222',
  channel: 'phone',
};

async function openTicket(app: TestApp) {
  const started = await app.call('agentL1', 'POST', `/api/procedures/${PROCEDURE}/instances`, START);
  if (started.status !== 201) throw new Error(`start failed: ${JSON.stringify(started.body)}`);
  return { instanceId: started.body.id as string, taskId: started.body.openTaskIds[0] as string };
}

const assignUrl = (taskId: string) => `/api/tasks/${encodeURIComponent(taskId)}/assign`;

describe('assigning tasks (supervisors) and which instances an agent may view', () => {
  let app: TestApp;
  /** calidad: agent and supervisor (pure supervisors reach the inbox only if the core's area guard lets them). */
  let calidad: WebClient;
  let luis: WebClient;

  beforeAll(async () => {
    app = await startWebApp();
    [calidad, luis] = await Promise.all([
      webLogin(app, USERS.radQuality.user),
      webLogin(app, USERS.agentL1.user),
    ]);
  });
  afterAll(async () => {
    await app.stop();
  });

  test('given an open task, when a supervisor assigns it through the API, then it is assigned and the audit trail names the supervisor', async () => {
    const { instanceId, taskId } = await openTicket(app);

    const answer = await app.call('supervisor', 'POST', assignUrl(taskId), { assignee: 'lucia' });
    const again = await app.call('supervisor', 'POST', assignUrl(taskId), { assignee: 'lucia' });
    const view = await app.call('supervisor', 'GET', `/api/instances/${instanceId}`);

    expect(answer.status).toBe(200);
    expect(answer.body.assignee).toBe('lucia');
    expect(again.status).toBe(200);
    const assigned = view.body.events.filter((event: { type: string }) => event.type === 'task.assigned');
    expect(assigned).toHaveLength(1);
    expect(assigned[0]).toMatchObject({ actor: 'sofia', data: { taskId, assignee: 'lucia' } });
  });

  test('given an agent, when they try to assign a task, then 403; a malformed assignee is 400', async () => {
    const { taskId } = await openTicket(app);

    const byAgent = await app.call('agentL1', 'POST', assignUrl(taskId), { assignee: 'luis' });
    const noName = await app.call('supervisor', 'POST', assignUrl(taskId), { assignee: ' ' });
    const noBody = await app.call('supervisor', 'POST', assignUrl(taskId), { who: 'luis' });

    expect(byAgent.status).toBe(403);
    expect(noName.status).toBe(400);
    expect(noBody.status).toBe(400);
  });

  test('given the inbox of a supervising agent, when she assigns a task with the row form and releases it, then luis sees it as his, then offered again', async () => {
    const { taskId } = await openTicket(app);
    const url = `/tasks/${encodeURIComponent(taskId)}`;

    const inbox = await calidad.get('/inbox');
    const assigned = await calidad.post(`${url}/assign`, { assignee: 'luis', next: '/inbox' });
    const mine = await luis.get('/inbox?view=mine');
    const released = await calidad.post(`${url}/unclaim`, { next: url });
    const task = await app.app.services.tasks.get(taskId, { id: 'sofia', roles: ['supervisor'], groups: [] });

    expect(inbox.status).toBe(200);
    expect(inbox.text).toContain(`action="${url}/assign"`);
    expect(assigned.status).toBe(303);
    expect(mine.text).toContain(`data-task-id="${taskId}"`);
    expect(released.location).toBe(url);
    expect(task.assignee).toBeUndefined();
  });

  test('given a ticket waiting on L1, when agents fetch the instance, then L1 agents may, L2 agents get 403 until a task is offered to them', async () => {
    const { instanceId, taskId } = await openTicket(app);

    const l1 = await app.call('agentL1b', 'GET', `/api/instances/${instanceId}`);
    const l2Before = await app.call('agentL2', 'GET', `/api/instances/${instanceId}`);
    await app.call('agentL1', 'POST', `/api/tasks/${encodeURIComponent(taskId)}/complete`, {
      priority: 'blocking',
    });
    const l2After = await app.call('agentL2', 'GET', `/api/instances/${instanceId}`);
    const supervisor = await app.call('supervisor', 'GET', `/api/instances/${instanceId}`);

    expect(l1.status).toBe(200);
    expect(l2Before.status).toBe(403);
    expect(l2Before.body.error.message).toBe(`instance <${instanceId}> is not visible to you`);
    expect(l2After.status).toBe(200);
    expect(supervisor.status).toBe(200);
  });
});
