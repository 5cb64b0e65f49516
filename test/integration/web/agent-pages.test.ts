import { USERS, type TestApp } from '../../support/harness.js';
import { startWebApp } from '../../support/web-accounts.js';
import { waitFor } from '../../support/wait.js';
import { webLogin, type WebClient } from '../../support/web-client.js';

const PROCEDURE = 'review-request';
const START = {
  requesterName: 'Rosa Díaz <script>',
  requesterEmail: 'rosa@example.org',
  phone: '+34 600 111 222',
  channel: 'phone',
};

/** Opens a ticket through the API as luis (l1); returns its id, ticket number and first task id. */
async function openTicket(app: TestApp, data: Record<string, unknown> = START) {
  const started = await app.call('agentL1', 'POST', `/api/procedures/${PROCEDURE}/instances`, data);
  if (started.status !== 201) throw new Error(`start failed: ${JSON.stringify(started.body)}`);
  const taskId = started.body.openTaskIds[0] as string;
  return { instanceId: started.body.id as string, ticket: started.body.businessKey as string, taskId };
}

const taskUrl = (taskId: string) => `/tasks/${encodeURIComponent(taskId)}`;

/** The `<tr data-task-id=...>` row of a task in the inbox, or undefined. */
function inboxRow(html: string, taskId: string): string | undefined {
  return new RegExp(`<tr data-task-id="${taskId}"[^>]*>([\\s\\S]*?)</tr>`).exec(html)?.[0];
}

/** The `data-field` block of a rendered form field. */
function fieldBlock(html: string, name: string): string {
  const start = html.indexOf(`data-field="${name}"`);
  if (start < 0) throw new Error(`no field ${name}`);
  const next = html.indexOf('class="form-field', start + 1);
  return html.slice(start, next < 0 ? undefined : next);
}

describe('agent pages: inbox, task page with its form, opening tickets', () => {
  let app: TestApp;
  let luis: WebClient;
  let lucia: WebClient;
  let marta: WebClient;

  beforeAll(async () => {
    app = await startWebApp();
    [luis, lucia, marta] = await Promise.all([
      webLogin(app, USERS.agentL1.user),
      webLogin(app, USERS.agentL1b.user),
      webLogin(app, USERS.agentL2.user),
    ]);
  });
  afterAll(async () => {
    await app.stop();
  });

  test('given a ticket waiting on L1, when agents open the inbox, then only L1 agents see its task, with requester and ticket', async () => {
    const { ticket, taskId } = await openTicket(app);

    const mine = await lucia.get('/inbox');
    const other = await marta.get('/inbox');

    expect(mine.status).toBe(200);
    const row = inboxRow(mine.text, taskId);
    expect(row).toBeDefined();
    expect(row).toContain(ticket);
    expect(row).toContain('Review request');
    expect(row).toContain('Rosa Díaz &lt;script&gt;');
    expect(row).not.toContain('<script>');
    expect(other.status).toBe(200);
    expect(inboxRow(other.text, taskId)).toBeUndefined();
  });

  test('given an offered task, when lucia claims it and then releases it, then the inbox shows who has it and the audit trail records both', async () => {
    const { instanceId, taskId } = await openTicket(app);

    const claimed = await lucia.post(`${taskUrl(taskId)}/claim`, { next: '/inbox?view=mine' });
    const mineOnly = await lucia.get('/inbox?view=mine');
    const luisView = await luis.get('/inbox');
    const released = await lucia.post(`${taskUrl(taskId)}/unclaim`, { next: '/inbox' });
    const after = await luis.get('/inbox');

    expect(claimed.status).toBe(303);
    expect(claimed.location).toBe('/inbox?view=mine');
    expect(inboxRow(mineOnly.text, taskId)).toContain('class="secondary unclaim"');
    expect(inboxRow(luisView.text, taskId)).toContain('lucia');
    expect(inboxRow(luisView.text, taskId)).not.toContain('class="claim"');
    expect(released.status).toBe(303);
    expect(released.location).toBe('/inbox');
    expect(inboxRow(after.text, taskId)).toContain('class="claim"');
    const events = await app.app.services.instances.get(instanceId, {
      id: 'sofia',
      roles: ['supervisor'],
      groups: [],
    });
    expect(events.events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['task.claimed', 'task.unclaimed']),
    );
  });

  test('given a redirect target off the agent pages, when claiming, then it goes back to the inbox instead', async () => {
    const { taskId } = await openTicket(app);

    const claimed = await luis.post(`${taskUrl(taskId)}/claim`, { next: '//evil.example/inbox' });

    expect(claimed.location).toBe('/inbox');
  });

  test('given the task page, then it renders the form fields, the ticket context and the history', async () => {
    const { ticket, taskId } = await openTicket(app);

    const page = await luis.get(taskUrl(taskId));

    expect(page.status).toBe(200);
    expect(page.text).toContain(ticket);
    expect(page.text).toContain('Decide whether L1 solved the request.');
    expect(fieldBlock(page.text, 'solved')).toContain('type="checkbox"');
    expect(fieldBlock(page.text, 'priority')).toContain('type="radio"');
    expect(fieldBlock(page.text, 'priority')).toContain('class="required"');
    expect(fieldBlock(page.text, 'minutesSpent')).toContain('type="number"');
    expect(page.text).toContain('rosa@example.org');
    expect(page.text).toContain('data-event="instance.started"');
    expect(page.text).toContain('Ticket abierto');
    expect(page.text).toContain('id="claim"');
    // Stored values and lanes by name: the channel's option label, the lane's name.
    expect(page.text).toContain('<dd data-field="channel">Phone</dd>');
    expect(page.text).toContain(
      '<li data-change="channel"><span class="audit-field">Channel</span>: Phone</li>',
    );
    expect(page.text).toMatch(/<dt>Grupos<\/dt><dd>L1<\/dd>/);
  });

  test('given an unclaimed task, then the page says completing takes it, and the completion records who did it', async () => {
    const { instanceId, ticket, taskId } = await openTicket(app);

    const unclaimed = await luis.get(taskUrl(taskId));
    await luis.post(`${taskUrl(taskId)}/claim`, { next: taskUrl(taskId) });
    const claimed = await luis.get(taskUrl(taskId));
    await luis.post(`${taskUrl(taskId)}/unclaim`, { next: taskUrl(taskId) });
    const answer = await luis.post(taskUrl(taskId), { priority: 'blocking' });

    expect(unclaimed.text).toContain('id="complete-takes"');
    expect(unclaimed.text).toContain('Al completar esta tarea la toma usted');
    expect(claimed.text).not.toContain('id="complete-takes"');
    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`/inbox?done=completed&ticket=${ticket}`); // unsolved: the ticket goes to L2
    const view = await app.app.services.instances.get(instanceId, {
      id: 'sofia',
      roles: ['supervisor'],
      groups: [],
    });
    expect(view.tasks.find((task) => task.id === taskId)).toMatchObject({
      status: 'completed',
      completedBy: 'luis',
    });
  });

  test("given the ticket's next task is offered to the agent's group, when they complete a task, then they land on that task", async () => {
    const { ticket, taskId } = await openTicket(app);

    const answer = await luis.post(taskUrl(taskId), { solved: 'true', priority: 'non-blocking' });

    expect(answer.status).toBe(303);
    const next = /^\/tasks\/([^?]+)\?done=completed-next&ticket=(.+)$/.exec(answer.location ?? '');
    expect(next?.[2]).toBe(ticket);
    const page = await luis.get(answer.location!);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Close ticket</h1>');
    expect(page.text).toContain(
      `Tarea del ticket ${ticket} completada; esta es la siguiente tarea del ticket para usted.`,
    );
    expect(decodeURIComponent(next![1]!)).not.toBe(taskId);
  });

  test('given a missing required choice and a bad number, when the form is posted, then 422 with each message next to its field and the values kept', async () => {
    const { taskId } = await openTicket(app);

    const answer = await luis.post(taskUrl(taskId), { solved: 'true', minutesSpent: '9999' });

    expect(answer.status).toBe(422);
    expect(answer.text).toContain('id="form-errors"');
    expect(fieldBlock(answer.text, 'priority')).toContain('&quot;Priority&quot; es obligatorio.');
    expect(fieldBlock(answer.text, 'minutesSpent')).toContain('debe ser como máximo 600');
    expect(fieldBlock(answer.text, 'minutesSpent')).toContain('value="9999"');
    expect(fieldBlock(answer.text, 'solved')).toContain('checked');
    expect(fieldBlock(answer.text, 'solved')).not.toContain('field-error');
  });

  test('given valid data, when the form is posted, then the task completes, the instance moves to L2 and the inbox announces it', async () => {
    const { instanceId, ticket, taskId } = await openTicket(app);

    const answer = await luis.post(taskUrl(taskId), { priority: 'blocking', minutesSpent: '15' });
    const inbox = await luis.get(answer.location ?? '/inbox');
    const l2 = await marta.get('/inbox');

    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`/inbox?done=completed&ticket=${ticket}`);
    expect(inbox.text).toContain(`Tarea del ticket ${ticket} completada.`);
    expect(inboxRow(inbox.text, taskId)).toBeUndefined();
    const view = await app.app.services.instances.get(instanceId, {
      id: 'sofia',
      roles: ['supervisor'],
      groups: [],
    });
    expect(view.instance.variables).toMatchObject({ solved: false, priority: 'blocking', minutesSpent: 15 });
    const handle = view.tasks.find((task) => task.activityId === 'handle');
    expect(handle?.status).toBe('open');
    expect(inboxRow(l2.text, handle!.id)).toContain('blocking');
  });

  test('given a task of L1, when an L2 agent opens or posts it, then 403', async () => {
    const { taskId } = await openTicket(app);

    const page = await marta.get(taskUrl(taskId));
    const post = await marta.post(taskUrl(taskId), { priority: 'blocking' });

    expect(page.status).toBe(403);
    expect(post.status).toBe(403);
    // The error page explains the code in the user's language; the detail (English, naming the task) follows.
    expect(page.text).toContain(
      '<p class="error-explain" id="error-explain">Esta tarea no está ofrecida a sus grupos.</p>',
    );
    expect(page.text).toContain('<h2 class="error-detail-heading">Detalles</h2>');
  });

  test('given the start list, when luis fills the start form, then a ticket opens and he lands on its first task', async () => {
    const list = await luis.get('/start');
    const form = await luis.get(`/start/${PROCEDURE}`);
    const started = await luis.post(`/start/${PROCEDURE}`, {
      requesterName: 'Pablo',
      requesterEmail: 'pablo@example.org',
      phone: '600 123 456',
      channel: 'email',
    });

    expect(list.status).toBe(200);
    expect(list.text).toContain(`href="/start/${PROCEDURE}"`);
    expect(form.status).toBe(200);
    expect(fieldBlock(form.text, 'requesterEmail')).toContain('type="email"');
    expect(fieldBlock(form.text, 'channel')).toContain('<select');
    expect(started.status).toBe(303);
    expect(started.location).toMatch(/^\/tasks\/[^?]+\?done=started&ticket=REV-/);
    const task = await luis.get(started.location!);
    expect(task.status).toBe(200);
    expect(task.text).toContain('id="flash"');
    expect(task.text).toContain('Pablo');
  });

  test('given a bad email on the start form, when posted, then 422 with the message next to it and no ticket opens', async () => {
    const before = await app.app.services.instances.list(
      { procedureId: PROCEDURE },
      { id: 'sofia', roles: ['supervisor'], groups: [] },
    );

    const answer = await luis.post(`/start/${PROCEDURE}`, {
      requesterName: 'Pablo',
      requesterEmail: 'not-an-email',
      phone: '600 123 456',
      channel: 'email',
    });

    expect(answer.status).toBe(422);
    expect(fieldBlock(answer.text, 'requesterEmail')).toContain('debe ser un correo electrónico');
    expect(fieldBlock(answer.text, 'requesterEmail')).toContain('value="not-an-email"');
    expect(fieldBlock(answer.text, 'requesterName')).toContain('value="Pablo"');
    const after = await app.app.services.instances.list(
      { procedureId: PROCEDURE },
      { id: 'sofia', roles: ['supervisor'], groups: [] },
    );
    expect(after).toHaveLength(before.length);
  });

  test('given the inbox filters, then group filters narrow the list and work without JavaScript', async () => {
    const { taskId } = await openTicket(app);

    const group = await luis.get('/inbox?group=l1&sort=created');
    const otherGroup = await luis.get('/inbox?group=central-desk');

    expect(inboxRow(group.text, taskId)).toBeDefined();
    expect(group.text).toContain('<option value="l1" selected>L1</option>'); // lanes by name
    expect(inboxRow(otherGroup.text, taskId)).toBeUndefined();
  });

  test('given one overdue task and one without a deadline, then overdue-only lists exactly the overdue one', async () => {
    // An L2 task without timers, and one whose 1 s warning timer is past (and fires: its deadline stays).
    const { instanceId } = await openTicket(app);
    const review = (
      await app.app.services.instances.get(instanceId, { id: 'sofia', roles: ['supervisor'], groups: [] })
    ).tasks[0]!;
    await luis.post(taskUrl(review.id), { priority: 'blocking' });
    const handle = (
      await app.app.services.instances.get(instanceId, { id: 'sofia', roles: ['supervisor'], groups: [] })
    ).tasks.find((task) => task.activityId === 'handle')!;
    const late = await app.call('agentL1', 'POST', '/api/procedures/sla-escalation/instances', {});
    const work = late.body.openTaskIds[0] as string;

    const overdue = await waitFor(
      async () => {
        const page = await marta.get('/inbox?overdue=1&sort=priority');
        return inboxRow(page.text, work) ? page : undefined;
      },
      15_000,
      200,
    ).then((page) => page!);
    const all = await marta.get('/inbox');

    expect(overdue.text).toContain('id="filter-overdue" name="overdue" value="1" checked');
    expect(inboxRow(overdue.text, work)).toContain('class="overdue"');
    expect(inboxRow(overdue.text, handle.id)).toBeUndefined();
    expect(inboxRow(all.text, work)).toBeDefined();
    expect(inboxRow(all.text, handle.id)).toBeDefined();
  });
});
