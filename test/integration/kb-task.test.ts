import { randomUUID } from 'node:crypto';
import type { TestApp } from '../support/harness.js';
import { Scenario } from '../support/scenario.js';
import { startWebApp } from '../support/web-accounts.js';
import { webLogin, type WebClient } from '../support/web-client.js';

/** The knowledge base on the task page: suggestions, search, checklist ticks, drafts from a closing task. */
const PROCEDURE = 'tuscan-gp-helpdesk';
const RESOLVE = 'task-resolve-checklist';
const intake = {
  channel: 'phone',
  requesterName: 'Dott.ssa Giulia Neri',
  requesterId: 'MMG-PI-0777',
  requesterEmail: 'giulia.neri@example.it',
  description: 'La smart card del medico risulta bloccata dopo tre tentativi',
  receivedAt: '2026-03-12T09:41',
  receivedOutsideHours: false,
};

describe('knowledge base on the task page', () => {
  let app: TestApp;
  let ana: WebClient;
  let agent: WebClient;
  let sofia: WebClient;
  let linkedId: string;
  let textId: string;

  async function publishArticle(fields: Record<string, string>): Promise<string> {
    const created = await ana.post('/kb', {
      kind: 'solution',
      language: 'it',
      procedureIds: PROCEDURE,
      ...fields,
    } as Record<string, string>);
    const id = /^\/kb\/([a-z0-9-]+)\?/.exec(created.location ?? '')?.[1] as string;
    const published = await ana.post(`/kb/${id}/publish`, { baseVersion: '1' });
    expect(published.status).toBe(303);
    expect(published.location).toBe(`/kb/${id}?published=1`);
    return id;
  }

  /** A Tuscan ticket waiting on the resolve-with-checklist step. */
  async function atResolveStep(): Promise<{ s: Scenario; taskId: string }> {
    const s = await Scenario.start(app, PROCEDURE, 'mmgFirst', intake);
    await s.complete('task-register-classify', 'mmgFirst', {
      takenInChargeBy: 'operatore1',
      failureType: 'non-blocking',
      problemArea: 'smart-card',
    });
    return { s, taskId: (await s.task(RESOLVE)).id };
  }

  beforeAll(async () => {
    app = await startWebApp({ processesDir: 'processes', formsDir: 'forms' });
    [ana, agent, sofia] = await Promise.all([
      webLogin(app, 'ana'),
      webLogin(app, 'operatore1'),
      webLogin(app, 'sofia'),
    ]);
    textId = await publishArticle({
      title: 'Smart card bloccata: sblocco del PIN',
      body: 'Il PIN si sblocca con il PUK.',
    });
    linkedId = await publishArticle({
      title: 'Guida al passo di risoluzione',
      body: 'Usare le check list concordate.',
      activityIds: RESOLVE,
    });
  }, 120_000);
  afterAll(async () => {
    await app.stop();
  });

  test('given a ticket about a blocked smart card, when the agent opens the resolve task, then articles are suggested (step links first) and the step checklists are offered', async () => {
    const { taskId } = await atResolveStep();

    const page = await agent.get(`/tasks/${encodeURIComponent(taskId)}`);

    expect(page.status).toBe(200);
    const suggested = /<div id="kb-suggested">([\s\S]*?)<\/div>/.exec(page.text)?.[1] ?? '';
    const order = [...suggested.matchAll(/data-article-id="([^"]+)"/g)].map((m) => m[1]);
    expect(order).toEqual([linkedId, textId]);
    expect(page.text).toContain('name="_kbTick" value="smart-card/pin"');
    expect(page.text).toContain('name="_kbTick" value="inps-sick-leave/credentials"');
    expect(page.text).not.toContain('form-unsupported');
  });

  test('given the task page, when the agent searches for "puk" with accents or case changed, then the results show on the page', async () => {
    const { taskId } = await atResolveStep();

    const page = await agent.get(`/tasks/${encodeURIComponent(taskId)}?kbq=${encodeURIComponent('PÙK')}`);

    const results = /<div id="kb-search-results">([\s\S]*?)<\/div>/.exec(page.text)?.[1] ?? '';
    expect(results).toContain(`data-article-id="${textId}"`);
    expect(results).not.toContain(`data-article-id="${linkedId}"`);
  });

  test('given ticked checklist items, when the agent completes the task, then the ticket stores which items, by whom and when, and the instance page shows them', async () => {
    const { s, taskId } = await atResolveStep();
    const before = Date.now();

    const done = await agent.post(`/tasks/${encodeURIComponent(taskId)}`, {
      _idempotencyKey: randomUUID(),
      proceduresStarted: 'Sblocco del PIN con il PUK',
      resolved: 'true',
      _kbTick: ['smart-card/reader', 'smart-card/pin'],
    });
    const view = await s.view();
    const page = await sofia.get(`/supervisor/instances/${encodeURIComponent(s.instanceId)}`);

    expect(done.status).toBe(303);
    const closing = await s.task('task-register-closure'); // resolved: the first level closes it
    expect(done.location).toBe(
      `/tasks/${encodeURIComponent(closing.id)}?done=completed-next&ticket=${s.businessKey}`,
    );
    const ticks = view.instance.variables.checklistUsed as { checkedAt: string }[];
    expect(ticks).toEqual([
      expect.objectContaining({
        checklistId: 'smart-card',
        itemId: 'reader',
        label: 'Lector de tarjetas reconocido por el sistema',
        checkedBy: 'operatore1',
      }),
      expect.objectContaining({ checklistId: 'smart-card', itemId: 'pin', checkedBy: 'operatore1' }),
    ]);
    for (const tick of ticks) {
      expect(Date.parse(tick.checkedAt)).toBeGreaterThanOrEqual(before - 1_000);
      expect(Date.parse(tick.checkedAt)).toBeLessThanOrEqual(Date.now() + 1_000);
    }
    const completion = view.events.find(
      (e: { type: string; data?: { activityId?: string } }) =>
        e.type === 'task.completed' && e.data?.activityId === RESOLVE,
    );
    expect(completion.data.data.checklistUsed).toHaveLength(2);
    expect(page.text).toContain('data-item="smart-card/reader"');
    expect(page.text).toContain('data-item="smart-card/pin"');
  });

  test('given an API completion whose ticks name someone else and another time, then the ticket records the caller and the server time instead', async () => {
    const { s } = await atResolveStep();
    const before = Date.now();

    await s.complete(RESOLVE, 'mmgFirst', {
      proceduresStarted: 'Sblocco del PIN con il PUK',
      resolved: true,
      checklistUsed: [
        {
          checklistId: 'smart-card',
          itemId: 'pin',
          label: 'PIN sbloccato',
          checkedBy: 'operatore2',
          checkedAt: '2001-01-01T00:00:00.000Z',
        },
      ],
    });

    const [tick] = (await s.variables()).checklistUsed as { checkedBy: string; checkedAt: string }[];
    expect(tick).toMatchObject({ checklistId: 'smart-card', itemId: 'pin', checkedBy: 'operatore1' });
    expect(Date.parse(tick!.checkedAt)).toBeGreaterThanOrEqual(before - 1_000);
    expect(Date.parse(tick!.checkedAt)).toBeLessThanOrEqual(Date.now() + 1_000);
  });

  test('given a forged tick of an item the step does not offer, when the agent completes, then the page answers 422 and the task stays open', async () => {
    const { s, taskId } = await atResolveStep();

    const answer = await agent.post(`/tasks/${encodeURIComponent(taskId)}`, {
      _idempotencyKey: randomUUID(),
      proceduresStarted: 'Tentativo',
      resolved: 'true',
      _kbTick: ['smart-card/pin', 'smart-card/forged'],
    });

    expect(answer.status).toBe(422);
    expect(answer.text).toContain('smart-card/forged');
    expect(answer.text).toMatch(/id="kb-tick-smart-card-pin"[^>]*checked/);
    expect((await s.task(RESOLVE)).status).toBe('open');
  });

  test('given the closing task, when the agent completes it with "propose as article", then a draft linked to the procedure and step waits for review', async () => {
    const { s, taskId } = await atResolveStep();
    await agent.post(`/tasks/${encodeURIComponent(taskId)}`, {
      _idempotencyKey: randomUUID(),
      proceduresStarted: 'Sblocco PIN',
      resolved: 'true',
    });
    const closing = await s.task('task-register-closure');
    const page = await agent.get(`/tasks/${encodeURIComponent(closing.id)}`);

    const done = await agent.post(`/tasks/${encodeURIComponent(closing.id)}`, {
      _idempotencyKey: randomUUID(),
      _kbDraft: '1',
      solution: 'Sbloccato il PIN con il codice PUK fornito dalla ASL',
      closedAt: '2026-03-12T11:05',
      closingOperator: 'operatore1',
      confirmedBy: 'Dott.ssa Giulia Neri',
    });
    const drafts = await ana.get(`/kb?drafts=1&q=${encodeURIComponent('codice PUK ASL')}`);
    const agentSearch = await app.call(
      'mmgFirst',
      'GET',
      `/api/kb/search?q=${encodeURIComponent('codice PUK ASL')}`,
    );

    expect(page.text).toContain('id="complete-draft"');
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/inbox?done=completed&ticket=${s.businessKey}`); // the ticket is closed
    const id = /data-article-id="([^"]+)"/.exec(
      /<div id="kb-results">([\s\S]*?)<\/div>/.exec(drafts.text)?.[1] ?? '',
    )?.[1];
    expect(id).toBeDefined();
    const article = await ana.get(`/kb/${id}`);
    expect(article.text).toContain('Sbloccato il PIN con il codice PUK fornito dalla ASL');
    expect(article.text).toContain(closing.id);
    expect(article.text).toContain('task-register-closure');
    expect(article.text).toContain('id="kb-publish"');
    expect(agentSearch.body.results).toEqual([]);
  });
});
