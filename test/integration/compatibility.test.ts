import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES, startTestApp, type TestApp, type UserName } from '../support/harness.js';

/**
 * The compatibility corpus (test/fixtures/compat, see its README): every diagram is deployed
 * over HTTP, started, and its user tasks are completed with data generated from their forms
 * (messages and signals it awaits are delivered through the API) until it ends (each completion recovers the instance from the database). Each diagram
 * ends as `runs`, `refused` (with the reasons), `needs messages` (waits on a message or
 * signal and no delivery API answers), or a failure: `500`, `hang` (stopped with nothing open and no
 * end), `fails`. The report is written to test-output/compatibility.md (copied to
 * docs/compatibility.md).
 */
const COMPAT = path.join(FIXTURES, 'compat');
const FORMS = path.join(COMPAT, 'forms');
const REPORT = path.resolve('test-output', 'compatibility.md');
/** Most task completions per diagram: the loops in the corpus go round at most twice. */
const MAX_STEPS = 25;
/** Most messages or signals delivered per diagram. */
const MAX_DELIVERIES = 5;
/** How long a run may wait for timers the scheduler fires by itself (short durations). */
const TIMER_WAIT_MS = 15_000;

type Kind = 'runs' | 'refused' | 'needs messages' | '500' | 'hang' | 'fails';
interface Outcome {
  readonly kind: Kind;
  readonly detail: string;
}

/** What each diagram must do; message and signal diagrams may also run when deliveries exist. */
const EXPECTED: Readonly<Record<string, readonly Kind[]>> = {
  'form-key-embedded-app': ['refused'],
  'two-executable-no-match': ['refused'],
  'inclusive-join-and-fork': ['refused'],
  'error-end-uncaught': ['refused'],
  'transaction-cancel': ['refused'],
  'complex-gateway': ['refused'],
  'conditional-intermediate-event': ['refused'],
  'conditional-boundary-event': ['refused'],
  'ad-hoc-sub-process': ['refused'],
  'catch-without-definition': ['refused'],
  'flows-without-ids': ['refused'],
  'performer-without-expression': ['refused'],
  'script-task': ['refused'],
  'timer-cycle-unbounded': ['refused'],
  'loop-without-wait': ['refused'],
  'standard-loop-user-task': ['refused'],
  // A task nothing leads to would be started at once by the engine (Camunda never runs it).
  'disconnected-task': ['refused'],
  // Run when messages and signals can be delivered (POST /api/instances/:id/messages, /api/signals).
  'receive-task': ['needs messages', 'runs'],
  'message-intermediate-catch': ['needs messages', 'runs'],
  'event-based-gateway': ['needs messages', 'runs'],
  'signal-catch': ['needs messages', 'runs'],
};

interface FormComponent {
  readonly type: string;
  readonly key?: string;
  readonly values?: readonly { readonly value: string }[];
}

/**
 * Form data: checkboxes false the first time a task is done and true after; the n-th option on the
 * n-th time. A form generated from camunda:formData is read from the deployed catalog (ADR 0031).
 */
function formData(
  formKey: string | undefined,
  round: number,
  generated: Readonly<Record<string, string>> = {},
): Record<string, unknown> {
  if (!formKey) return {};
  const text = generated[formKey] ?? readFileSync(path.join(FORMS, `${formKey}.form`), 'utf8');
  const form = JSON.parse(text) as { components: FormComponent[] };
  const data: Record<string, unknown> = {};
  for (const component of form.components) {
    if (!component.key) continue;
    if (component.type === 'checkbox') data[component.key] = round >= 1;
    else if (component.type === 'datetime') data[component.key] = '2030-01-15';
    else if (component.type === 'number') data[component.key] = 500;
    else if (component.values?.length) {
      data[component.key] = component.values[round % component.values.length]?.value;
    } else data[component.key] = 'compat';
  }
  return data;
}

function workerFor(candidateGroups: readonly string[]): UserName {
  if (!candidateGroups.length || candidateGroups.includes('l1')) return 'agentL1';
  if (candidateGroups.includes('user:luis')) return 'agentL1';
  // Offered to candidate users only (camunda:candidateUsers) who are not test users: an admin.
  if (candidateGroups.every((group) => group.startsWith('user:'))) return 'admin';
  return 'agentL2';
}

function failure(step: string, response: { status: number; body: any }): Outcome {
  const code = response.body?.error?.code ?? '';
  const message = response.body?.error?.message ?? JSON.stringify(response.body);
  return {
    kind: response.status >= 500 ? '500' : 'fails',
    detail: `${step}: ${response.status} ${code} ${message}`.slice(0, 300),
  };
}

/**
 * Deploys, starts and works one diagram. `catchesMessages`: the diagram waits on a message or
 * signal by design, so stopping with nothing open is "needs messages" even when the instance
 * does not list what it awaits.
 */
async function run(
  app: TestApp,
  procedureId: string,
  xml: string,
  catchesMessages: boolean,
): Promise<Outcome> {
  const deployed = await app.call('analyst', 'PUT', `/api/procedures/${procedureId}`, xml, 'application/xml');
  if (deployed.status === 422) {
    const details: { path: string; reason: string }[] = deployed.body.error.details ?? [];
    const reasons = [...new Set(details.map((d) => `${d.reason} <${d.path}>`))].join(', ');
    return { kind: 'refused', detail: `${deployed.body.error.code}: ${reasons}` };
  }
  if (deployed.status !== 201) return failure('deploy', deployed);
  const catalog =
    deployed.body.catalog ??
    (await app.call('analyst', 'GET', `/api/procedures/${procedureId}`)).body.catalog;
  const started = await app.call(
    'agentL1',
    'POST',
    `/api/procedures/${procedureId}/instances`,
    formData(catalog?.startFormKey, 0, catalog?.generatedForms),
  );
  if (started.status !== 201) return failure('start', started);
  const instanceId: string = started.body.id;
  const rounds = new Map<string, number>();
  const worked: string[] = [];
  let steps = 0;
  let deliveries = 0;
  let waitedMs = 0;
  for (;;) {
    const view = (await app.call('supervisor', 'GET', `/api/instances/${instanceId}`)).body;
    const { status, error, timers = [], awaiting = [] } = view.instance;
    if (status === 'completed') {
      const done = `${steps} task(s) completed${worked.length ? `: ${worked.join(', ')}` : ''}`;
      return { kind: 'runs', detail: done };
    }
    if (status !== 'running') return { kind: 'fails', detail: `instance ${status}: ${error ?? ''}` };
    const open = view.tasks.filter((task: any) => task.status === 'open');
    const task = open[0];
    if (task) {
      if (++steps > MAX_STEPS) return { kind: 'fails', detail: `more than ${MAX_STEPS} tasks` };
      const round = rounds.get(task.activityId) ?? 0;
      rounds.set(task.activityId, round + 1);
      worked.push(task.activityId);
      const user = workerFor(task.candidateGroups);
      const done = await app.call(
        user,
        'POST',
        `/api/tasks/${task.id}/complete`,
        formData(task.formKey, round, catalog?.generatedForms),
      );
      if (done.status !== 200) return failure(`complete <${task.activityId}>`, done);
      continue;
    }
    const soon = timers.some((timer: any) => Date.parse(timer.dueAt) - Date.now() < TIMER_WAIT_MS);
    if (soon && waitedMs < TIMER_WAIT_MS * 2) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      waitedMs += 250;
      continue;
    }
    const event = awaiting[0];
    if (event && deliveries < MAX_DELIVERIES) {
      deliveries++;
      // Messages go to this instance; signals are broadcast (no other diagram awaits the same name).
      const delivered =
        event.kind === 'message'
          ? await app.call('agentL1', 'POST', `/api/instances/${instanceId}/messages`, { name: event.name })
          : await app.call('agentL1', 'POST', '/api/signals', { name: event.name });
      if (delivered.status === 404)
        return { kind: 'needs messages', detail: `no delivery API (${event.name})` };
      if (delivered.status !== 200) return failure(`deliver ${event.kind} <${event.name}>`, delivered);
      worked.push(`${event.kind}:${event.name}`);
      continue;
    }
    if (awaiting.length || catchesMessages) {
      const names = awaiting.map((event: any) => `${event.kind} ${event.name}`).join(', ');
      return { kind: 'needs messages', detail: `waits for ${names || view.instance.activeActivities}` };
    }
    if (timers.length) return { kind: 'fails', detail: `waits for timers only (${timers.length})` };
    return { kind: 'hang', detail: `running with nothing open (active: ${view.instance.activeActivities})` };
  }
}

function report(results: readonly (Outcome & { diagram: string })[]): string {
  const count = (kind: Kind) => results.filter((result) => result.kind === kind).length;
  const kinds: Kind[] = ['runs', 'refused', 'needs messages', 'fails', 'hang', '500'];
  const rows = results.map(
    ({ diagram, kind, detail }) => `| ${diagram} | ${kind} | ${detail.replaceAll('|', '\\|')} |`,
  );
  return [
    `${results.length} diagrams: ${kinds.map((kind) => `${count(kind)} ${kind}`).join(', ')}.`,
    '',
    '| diagram | outcome | detail |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

describe('compatibility corpus', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ formsDir: FORMS, timerPollMs: 200 });
  });
  afterAll(async () => {
    await app.stop();
  });

  test('given every diagram of the corpus, when each is deployed, started and worked to its end, then each runs or is refused with a reason: no 500 and no silent hang', async () => {
    const files = readdirSync(COMPAT)
      .filter((name) => name.endsWith('.bpmn'))
      .sort();
    expect(files.length).toBeGreaterThanOrEqual(40);
    const results: (Outcome & { diagram: string })[] = [];
    for (const file of files) {
      const diagram = file.replace(/\.bpmn$/, '');
      const catchesMessages = EXPECTED[diagram]?.includes('needs messages') ?? false;
      const outcome = await run(app, diagram, readFileSync(path.join(COMPAT, file), 'utf8'), catchesMessages);
      results.push({ diagram, ...outcome });
    }
    mkdirSync(path.dirname(REPORT), { recursive: true });
    writeFileSync(REPORT, report(results));
    const detail = (diagram: string) => results.find((result) => result.diagram === diagram)?.detail;
    // then: of two executable processes only the one named after the procedure runs
    expect(detail('two-executable-processes')).toBe('1 task(s) completed: handle');
    // then: the inclusive join waits for both taken branches and the rest runs once
    expect(detail('inclusive-split-join')).toMatch(
      /^4 task\(s\) completed: decide, (finance, legal|legal, finance), close$/,
    );
    // then: no diagram answers 500 or hangs, and each ends as the corpus README says
    const unexpected = results.filter(({ diagram, kind }) => !(EXPECTED[diagram] ?? ['runs']).includes(kind));
    expect(unexpected).toEqual([]);
  }, 300_000);

  test('given a send task without a template, when the ticket runs, then it completes without queueing an email', async () => {
    const xml = readFileSync(path.join(COMPAT, 'send-task-without-template.bpmn'), 'utf8');
    const id = 'send-task-no-template-outbox';
    expect((await app.call('analyst', 'PUT', `/api/procedures/${id}`, xml, 'application/xml')).status).toBe(
      201,
    );
    const started = await app.call('agentL1', 'POST', `/api/procedures/${id}/instances`, {});
    expect(started.status).toBe(201);
    const view = (await app.call('supervisor', 'GET', `/api/instances/${started.body.id}`)).body;
    expect(view.instance.completedActivities).toContain('acknowledge');
    expect(view.messages).toEqual([]);
  });
});
