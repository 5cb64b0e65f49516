import { startTestApp, type TestApp } from '../support/harness.js';

const intake = {
  requesterName: 'Dra. Pérez',
  requesterEmail: 'perez@issste.gob.mx',
  phone: '+52 55 1234 5678',
  channel: 'email',
};

describe('a procedure with user task -> exclusive gateway -> two paths, through the HTTP API', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  async function openTicket() {
    const started = await app.call('agentL1', 'POST', '/api/procedures/review-request/instances', intake);
    expect(started.status).toBe(201);
    const tasks = await app.call('agentL1', 'GET', `/api/tasks?procedureId=review-request`);
    const review = tasks.body.find((t: any) => t.instanceId === started.body.id && t.activityId === 'review');
    return { instance: started.body, review };
  }

  test('given a started ticket, then it has a ticket number, an acknowledgement and a review task offered to L1', async () => {
    const { instance, review } = await openTicket();
    expect(instance.businessKey).toMatch(/^REV-\d{4}-\d{6}$/);
    expect(instance.engineVersion).toBe('25.0.1');
    expect(review).toMatchObject({
      name: 'Review',
      laneId: 'l1',
      candidateGroups: ['l1'],
      formKey: 'review-decision',
      status: 'open',
    });
    const view = await app.call('supervisor', 'GET', `/api/instances/${instance.id}`);
    expect(view.body.messages).toEqual([
      expect.objectContaining({ template: 'ticket-acknowledgement', language: 'es' }),
    ]);
    expect(view.body.events.map((e: any) => e.type)).toEqual(['instance.started']);
  });

  test('when L1 solves it, then the close task appears and completing it ends the instance', async () => {
    const { instance, review } = await openTicket();
    const done = await app.call('agentL1', 'POST', `/api/tasks/${review.id}/complete`, {
      solved: true,
      priority: 'non-blocking',
    });
    expect(done.status).toBe(200);
    const tasks = await app.call('agentL1', 'GET', '/api/tasks');
    const close = tasks.body.find((t: any) => t.instanceId === instance.id && t.activityId === 'close');
    expect(close).toBeDefined();
    const end = await app.call('agentL1', 'POST', `/api/tasks/${close.id}/complete`, {});
    expect(end.body.status).toBe('completed');
    const view = await app.call('supervisor', 'GET', `/api/instances/${instance.id}`);
    expect(view.body.instance.variables).toMatchObject({
      solved: true,
      priority: 'non-blocking',
      requesterName: 'Dra. Pérez',
    });
    expect(view.body.instance.completedActivities).toEqual(
      expect.arrayContaining(['review', 'close', 'end-closed']),
    );
    expect(view.body.events.map((e: any) => [e.seq, e.type, e.actor])).toEqual([
      [1, 'instance.started', 'luis'],
      [2, 'task.completed', 'luis'],
      [3, 'task.completed', 'luis'],
    ]);
  });

  test('when L1 does not solve it, then the task goes to L2 only, and L2 completes the instance', async () => {
    const { instance, review } = await openTicket();
    await app.call('agentL1', 'POST', `/api/tasks/${review.id}/complete`, {
      solved: false,
      priority: 'blocking',
    });
    const l1Tasks = await app.call('agentL1', 'GET', '/api/tasks');
    expect(l1Tasks.body.filter((t: any) => t.instanceId === instance.id)).toEqual([]);
    const l2Tasks = await app.call('agentL2', 'GET', '/api/tasks?candidateGroup=l2');
    const handle = l2Tasks.body.find((t: any) => t.instanceId === instance.id);
    expect(handle).toMatchObject({ activityId: 'handle', candidateGroups: ['l2'] });
    const stolen = await app.call('agentL1', 'POST', `/api/tasks/${handle.id}/complete`, { solution: 'x' });
    expect(stolen.status).toBe(403);
    expect(stolen.body.error.code).toBe('TASK_NOT_OFFERED_TO_YOU');
    const done = await app.call('agentL2', 'POST', `/api/tasks/${handle.id}/complete`, {
      solution: 'Reinstalled viewer',
    });
    expect(done.body.status).toBe('completed');
    expect(done.body.completedActivities).toEqual(expect.arrayContaining(['handle', 'end-handled']));
  });
});
