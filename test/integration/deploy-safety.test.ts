import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES, startTestApp, type TestApp } from '../support/harness.js';

const unsafe = (name: string) => readFileSync(path.join(FIXTURES, 'bad', 'safety', name), 'utf8');
const HEAD = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="x">
<bpmn:process id="p" isExecutable="true">`;

/** A process whose parallel gateway opens `branches` user tasks at once. */
function fanOut(branches: number): string {
  const ids = Array.from({ length: branches }, (_, i) => `task-${i}`);
  return `${HEAD}
<bpmn:startEvent id="start" name="Start" /><bpmn:sequenceFlow id="f-start" sourceRef="start" targetRef="gw-split" />
<bpmn:parallelGateway id="gw-split" name="Split" />
${ids.map((id) => `<bpmn:sequenceFlow id="f-${id}" sourceRef="gw-split" targetRef="${id}" /><bpmn:userTask id="${id}" name="T" /><bpmn:sequenceFlow id="f-${id}-end" sourceRef="${id}" targetRef="end-${id}" /><bpmn:endEvent id="end-${id}" name="E" />`).join('\n')}
</bpmn:process></bpmn:definitions>`;
}

describe('deploy refuses diagrams whose run cannot be bounded, naming each element', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  const deploy = (xml: string, id = 'unsafe-procedure') =>
    app.call('analyst', 'PUT', `/api/procedures/${id}`, xml, 'application/xml');

  async function expectNothingStored(id = 'unsafe-procedure') {
    const stored = await app.call('analyst', 'GET', `/api/procedures/${id}`);
    expect(stored.status).toBe(404);
  }

  test.each([
    ['zero-cycle-timer.bpmn', 'timer-nag', 'timer-cycle-unbounded', /timer <timer-nag> .*"R\/PT0S"/],
    ['zero-cycle-timer.bpmn', 'timer-nag', 'timer-period-too-short', /timer <timer-nag> .*every 0 s/],
    ['second-cycle-timer.bpmn', 'timer-nag', 'timer-period-too-short', /timer <timer-nag> .*every 1 s/],
    ['zero-duration-loop.bpmn', 'timer-wait', 'timer-in-loop', /timer <timer-wait> waits "P0D"/],
    ['zero-duration-loop.bpmn', 'gw-merge', 'loop-without-wait', /loop through <gw-merge>/],
    ['gateway-loop.bpmn', 'gw-merge', 'loop-without-wait', /<gw-merge>, <task-count>, <gw-done>/],
    ['huge-cardinality.bpmn', 'task-repeat', 'loop-cardinality', /<task-repeat> .*200000 .* 100/],
  ])(
    'given %s, when an analyst deploys it, then 422 PROCEDURE_UNSAFE names <%s> (%s) and nothing is stored',
    async (file, path, reason, message) => {
      const response = await deploy(unsafe(file));
      expect(response.status).toBe(422);
      expect(response.body.error.code).toBe('PROCEDURE_UNSAFE');
      expect(response.body.error.details).toContainEqual(
        expect.objectContaining({ path, reason, message: expect.stringMatching(message) }),
      );
      expect(response.body.error.message).toMatch(message);
      await expectNothingStored();
    },
  );

  test('given a 60-branch parallel fan-out, when deployed, then it is refused naming the gateway', async () => {
    const response = await deploy(fanOut(60));
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('PROCEDURE_UNSAFE');
    expect(response.body.error.details).toEqual([
      expect.objectContaining({
        path: 'gw-split',
        reason: 'fan-out',
        message: expect.stringMatching(/<gw-split> starts 60 branches at once; at most 50/),
      }),
    ]);
    await expectNothingStored();
  });

  test('given a 3000-branch parallel fan-out (12000 elements), when deployed, then it is refused before parsing, in well under a second', async () => {
    const started = Date.now();
    const response = await deploy(fanOut(3000));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({
      code: 'PROCEDURE_UNSAFE',
      details: [{ path: 'unsafe-procedure.bpmn', reason: 'too-many-elements' }],
    });
    expect(response.body.error.message).toMatch(
      /^unsafe-procedure\.bpmn: 12005 XML elements is over the limit of 10000/,
    );
    await expectNothingStored();
  });

  test('given XML nested 400000 levels deep (4.4 MB), when deployed, then 422 PROCEDURE_UNSAFE quickly, not a crash', async () => {
    const depth = 400_000;
    const xml = `${HEAD}<bpmn:extensionElements>${'<x>'.repeat(depth)}${'</x>'.repeat(depth)}</bpmn:extensionElements></bpmn:process></bpmn:definitions>`;
    const started = Date.now();
    const response = await deploy(xml);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({
      code: 'PROCEDURE_UNSAFE',
      details: [expect.objectContaining({ reason: 'too-deep', path: expect.stringMatching(/^3:\d+$/) })],
    });
    expect(response.body.error.message).toMatch(/nested deeper than 200 levels/);
    await expectNothingStored();
  });

  test('given a deployable file whose warning quotes 200,000 characters of it, when deployed, then the stored warning is clipped to 500', async () => {
    const xml = readFileSync(path.join(FIXTURES, 'processes', 'review-request.bpmn'), 'utf8').replace(
      '</bpmn:process>',
      `<bpmn:sequenceFlow id="stray" sourceRef="${'x'.repeat(200_000)}" targetRef="end-closed" /></bpmn:process>`,
    );

    const response = await deploy(xml, 'long-warning');

    expect(response.status).toBe(201);
    const messages = (response.body.warnings as { message: string }[]).map((warning) => warning.message);
    expect(messages.some((message) => message.includes('xxxxxxxx'))).toBe(true);
    expect(Math.max(...messages.map((message) => message.length))).toBeLessThanOrEqual(500);
  });

  test('given a file with a lint error, a missing form, an unknown calendar and an endless cycle, when deployed, then one refusal lists all four', async () => {
    const response = await deploy(unsafe('many-problems.bpmn'));
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('PROCEDURE_UNSAFE');
    const found = response.body.error.details.map((issue: any) => [issue.path, issue.reason]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['task-orphan', 'no-disconnected'],
        ['work', 'form-missing'],
        ['timer-office', 'calendar-missing'],
        ['timer-forever', 'timer-cycle-unbounded'],
      ]),
    );
    for (const id of ['task-orphan', 'work', 'timer-office', 'timer-forever']) {
      expect(response.body.error.message).toContain(`<${id}>`);
    }
    await expectNothingStored();
  });
});
