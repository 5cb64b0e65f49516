import path from 'node:path';
import { FIXTURES, type TestApp } from '../../support/harness.js';
import { startWebApp } from '../../support/web-accounts.js';
import { webLogin } from '../../support/web-client.js';
import { Scenario } from '../../support/scenario.js';

/**
 * Multi-instance user tasks (issue 16, ADR 0031): one task per item, each saying which item it is,
 * and an SLA clock that stops on the activity's completion stops only when the last item is done.
 */
const HERE = path.join(FIXTURES, 'bpmn-semantics');

describe('multi-instance user tasks: items in the inbox and SLA clocks', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startWebApp({
      processesDir: path.join(HERE, 'processes'),
      formsDir: path.join(HERE, 'forms'),
      configDir: path.join(HERE, 'config'),
    });
  });
  afterAll(async () => {
    await app.stop();
  });

  const clock = async (s: Scenario, id: string) =>
    ((await s.view()).instance.sla as { id: string; status: string }[]).find((c) => c.id === id);
  const completeOne = async (s: Scenario, activityId: string) => {
    const [first] = (await s.openTasks()).filter((task) => task.activityId === activityId);
    const done = await app.call(
      'agentL1',
      'POST',
      `/api/tasks/${encodeURIComponent(first!.id)}/complete`,
      {},
    );
    expect(done.status).toBe(200);
  };

  test('given three parallel items, when two are completed, then the clock keeps running; the third stops it (met); the sequential items follow one by one', async () => {
    const s = await Scenario.start(app, 'mi-review', 'agentL1', {});

    const checks = await s.expectTasks(['check', 'check', 'check']);
    expect(checks.map((task) => task.item).sort((a: any, b: any) => a.index - b.index)).toEqual([
      { index: 1, count: 3 },
      { index: 2, count: 3 },
      { index: 3, count: 3 },
    ]);
    await completeOne(s, 'check');
    await completeOne(s, 'check');
    await s.expectTasks(['check']);
    expect(await clock(s, 'checks')).toMatchObject({ status: 'running' });

    await completeOne(s, 'check');
    const [sign1] = await s.expectTasks(['sign']);
    expect(sign1!.item).toEqual({ index: 1, count: 2 });
    expect(await clock(s, 'checks')).toMatchObject({ status: 'met' });
    expect(await clock(s, 'signatures')).toMatchObject({ status: 'running' });

    await completeOne(s, 'sign');
    const [sign2] = await s.expectTasks(['sign']);
    expect(sign2!.item).toEqual({ index: 2, count: 2 });
    expect(await clock(s, 'signatures')).toMatchObject({ status: 'running' });
    await completeOne(s, 'sign');
    await s.expectEnded(['end']);
    expect(await clock(s, 'signatures')).toMatchObject({ status: 'met' });
  }, 60_000);

  test('given parallel items, when an agent opens the inbox, then each row says which item it is', async () => {
    const s = await Scenario.start(app, 'mi-review', 'agentL1', {});
    await s.expectTasks(['check', 'check', 'check']);

    const web = await webLogin(app, 'luis');
    const inbox = await web.get('/inbox?procedure=mi-review');

    expect(inbox.status).toBe(200);
    for (const index of [1, 2, 3]) expect(inbox.text).toContain(`elemento ${index} de 3`);
  }, 60_000);
});
