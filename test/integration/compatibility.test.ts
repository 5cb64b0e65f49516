import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  catalogOf,
  deliverEvent,
  deploy,
  failure,
  formData,
  instanceView,
  markdownTable,
  timerWaiter,
  writeReport,
  type CorpusCatalog,
  type FormComponent,
} from '../support/corpus-driver.js';
import { inPool } from '../support/child-app.js';
import { FIXTURES, startTestApp, type TestApp, type UserName } from '../support/harness.js';

/**
 * The compatibility corpus (test/fixtures/compat, see its README): every diagram is deployed
 * over HTTP, started (by its start message through `POST /api/messages` when it has only message
 * starts), and driven to its end: each message or signal it awaits is delivered once through the
 * API before its open tasks are worked (so boundary events and event sub-processes fire), user
 * tasks are completed with data generated from their forms (each completion recovers the instance
 * from the database), called tickets (`calls[]`) are driven the same way until they return, and
 * short timers are left to the scheduler. Each diagram ends as `runs`, `refused` (with the
 * reasons), or a failure: `needs messages` (waits on an event it could not be given), `500`,
 * `hang` (stopped with nothing open and no end), `fails`. The report is written to
 * test-output/compatibility.md (copied to docs/compatibility.md).
 */
const COMPAT = path.join(FIXTURES, 'compat');
const FORMS = path.join(COMPAT, 'forms');
const REPORT = path.resolve('test-output', 'compatibility.md');
/** Most task completions per diagram (called tickets included): the loops in the corpus go round at most twice. */
const MAX_STEPS = 25;
/** Most messages or signals delivered per diagram. */
const MAX_DELIVERIES = 5;
/** How long a run may wait for timers the scheduler fires by itself (short durations). */
const TIMER_WAIT_MS = 15_000;
/** Deepest called ticket followed. */
const MAX_CALL_DEPTH = 3;
/** Diagrams driven at once. */
const AT_ONCE = 4;

type Kind = 'runs' | 'refused' | 'needs messages' | '500' | 'hang' | 'fails';
interface Outcome {
  readonly kind: Kind;
  readonly detail: string;
}

/** What each diagram must do; every other diagram must run to its end. */
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
  'catch-without-reference': ['refused'],
  'multi-instance-receive-task': ['refused'],
  'nested-event-sub-process': ['refused'],
  'call-activity-error-boundary': ['refused'],
  'flows-without-ids': ['refused'],
  'performer-without-expression': ['refused'],
  'script-task': ['refused'],
  'timer-cycle-unbounded': ['refused'],
  'loop-without-wait': ['refused'],
  'standard-loop-user-task': ['refused'],
  // A task nothing leads to would be started at once by the engine (Camunda never runs it).
  'disconnected-task': ['refused'],
};

/**
 * What the diagrams that wait on messages, signals, timers of event sub-processes or called tickets
 * must have done: a delivery, a call or a condition that stops working fails the test.
 */
const DRIVEN: Readonly<Record<string, string | ReturnType<typeof expect.stringMatching>>> = {
  'receive-task': '2 task(s) completed: ask, message:requester-reply, continue',
  'message-intermediate-catch': '1 task(s) completed: ask, message:requester-reply',
  'event-based-gateway': '0 task(s) completed: message:requester-reply',
  'signal-catch': '1 task(s) completed: signal:outage-over, retry',
  'message-start': '1 task(s) completed: start:message:compat-portal-request, triage',
  'message-boundary-interrupting': '1 task(s) completed: message:compat-withdrawn, close-withdrawn',
  'message-boundary-non-interrupting': expect.stringMatching(
    /^2 task\(s\) completed: message:requester-reply, (work, read|read, work)$/,
  ),
  'event-sub-process-message': '1 task(s) completed: message:compat-cancel-request, apologise',
  'event-sub-process-signal': expect.stringMatching(
    /^2 task\(s\) completed: signal:compat-outage, (work, inform|inform, work)$/,
  ),
  'event-sub-process-timer': '1 task(s) completed: chase',
  'call-activity-caller': '2 task(s) completed: call:desk, call-activity-called/solve, confirm',
  'multi-instance-call-activity':
    '2 task(s) completed: call:desks, call-activity-called/solve, call:desks, call-activity-called/solve',
  'multi-instance-collection': '3 task(s) completed: review, review, review',
  // The second item sets approved=true: the third never opens.
  'multi-instance-completion-condition': '2 task(s) completed: approve, approve',
  'multi-instance-sub-process':
    '2 task(s) completed: ask-service, message:compat-service-answer, ask-service, message:compat-service-answer',
};

/**
 * Form data: checkboxes false the first time a task is done and true after; the n-th option on the
 * n-th time; every option of a checklist or taglist. A form generated from camunda:formData is read
 * from the deployed catalog (ADR 0031).
 */
function dataFor(
  formKey: string | undefined,
  round: number,
  generated: Readonly<Record<string, string>> = {},
): Record<string, unknown> {
  const valueFor = ({ type, values }: FormComponent): unknown => {
    if (type === 'checkbox') return round >= 1;
    if (type === 'datetime') return '2030-01-15';
    if (type === 'number') return 500;
    if (type === 'checklist' || type === 'taglist') return (values ?? []).map((option) => option.value);
    if (values?.length) return values[round % values.length]?.value;
    return 'compat';
  };
  return formData(formKey, { formsDir: FORMS, generated, valueFor });
}

function workerFor(candidateGroups: readonly string[]): UserName {
  if (!candidateGroups.length || candidateGroups.includes('l1')) return 'agentL1';
  if (candidateGroups.includes('user:luis')) return 'agentL1';
  // Offered to candidate users only (camunda:candidateUsers) who are not test users: an admin.
  if (candidateGroups.every((group) => group.startsWith('user:'))) return 'admin';
  return 'agentL2';
}

/** What one diagram's run has done so far (called tickets included). */
interface Progress {
  readonly worked: string[];
  readonly rounds: Map<string, number>;
  /** Execution ids of the catches already given their message or signal. */
  readonly delivered: Set<string>;
  readonly waitForTimer: ReturnType<typeof timerWaiter>;
  steps: number;
  deliveries: number;
}

/** Deploys, starts and drives one diagram. */
async function run(app: TestApp, procedureId: string, xml: string): Promise<Outcome> {
  const deployed = await deploy(app, procedureId, xml);
  if ('outcome' in deployed) return { kind: deployed.outcome.kind, detail: deployed.outcome.detail };
  const { catalog } = deployed;
  const progress: Progress = {
    worked: [],
    rounds: new Map(),
    delivered: new Set(),
    waitForTimer: timerWaiter(TIMER_WAIT_MS),
    steps: 0,
    deliveries: 0,
  };
  const byMessage = catalog.messageStarts?.[0];
  // A procedure started only by messages starts through the message API (ADR 0018).
  const started =
    byMessage && !catalog.plainStart
      ? await app.call('agentL1', 'POST', '/api/messages', { name: byMessage.name })
      : await app.call(
          'agentL1',
          'POST',
          `/api/procedures/${procedureId}/instances`,
          dataFor(catalog.startFormKey, 0, catalog.generatedForms),
        );
  if (started.status !== 201) return failure('start', started);
  if (byMessage && !catalog.plainStart) progress.worked.push(`start:message:${byMessage.name}`);
  const instanceId: string = started.body.instance?.id ?? started.body.id;
  const outcome = await drive(app, instanceId, catalog, progress, 0);
  if (outcome) return outcome;
  const { steps, worked } = progress;
  return {
    kind: 'runs',
    detail: `${steps} task(s) completed${worked.length ? `: ${worked.join(', ')}` : ''}`,
  };
}

/**
 * Drives one ticket to its end: undefined when it completed, else the failure. Called tickets are
 * driven in turn (`<procedure>/` in front of what was done there).
 */
async function drive(
  app: TestApp,
  instanceId: string,
  catalog: CorpusCatalog,
  progress: Progress,
  depth: number,
): Promise<Outcome | undefined> {
  const prefix = depth ? `${(await instanceView(app, instanceId)).instance.procedureId}/` : '';
  for (;;) {
    const current = await instanceView(app, instanceId);
    const { status, error, timers = [], awaiting = [], calls = [] } = current.instance;
    if (status === 'completed') return undefined;
    if (status !== 'running') return { kind: 'fails', detail: `${prefix}instance ${status}: ${error ?? ''}` };
    const open = current.tasks.filter((task: any) => task.status === 'open');
    const fresh = awaiting.find((event: any) => !progress.delivered.has(event.executionId));
    // Awaited events first (once each): boundary events and event sub-processes fire before the work ends.
    const event = fresh ?? (open.length ? undefined : awaiting[0]);
    if (event && progress.deliveries < MAX_DELIVERIES) {
      const failed = await deliver(app, instanceId, event, progress, prefix);
      if (failed) return failed;
      continue;
    }
    const task = open[0];
    if (task) {
      const failed = await complete(app, task, catalog, progress, prefix);
      if (failed) return failed;
      continue;
    }
    const call = calls.find((link: any) => link.status === 'running');
    if (call && depth < MAX_CALL_DEPTH) {
      const child = String(call.instanceId);
      const childCatalog = await catalogOf(app, (await instanceView(app, child)).instance.procedureId);
      progress.worked.push(`call:${call.activityId}`);
      const failed = await drive(app, child, childCatalog, progress, depth + 1);
      if (failed) return failed;
      continue;
    }
    if (await progress.waitForTimer(timers)) continue;
    if (awaiting.length) {
      const names = awaiting.map((e: any) => `${e.kind} ${e.name}`).join(', ');
      return {
        kind: 'needs messages',
        detail: `${prefix}waits for ${names} after ${MAX_DELIVERIES} deliveries`,
      };
    }
    if (timers.length) return { kind: 'fails', detail: `${prefix}waits for timers only (${timers.length})` };
    const active = current.instance.activeActivities;
    return { kind: 'hang', detail: `${prefix}running with nothing open (active: ${active})` };
  }
}

/** Delivers an awaited message or signal once (counted, its catch remembered). */
async function deliver(
  app: TestApp,
  instanceId: string,
  event: { kind: string; name: string; executionId: string },
  progress: Progress,
  prefix: string,
): Promise<Outcome | undefined> {
  progress.deliveries++;
  progress.delivered.add(event.executionId);
  const delivered = await deliverEvent(app, instanceId, event);
  if (delivered.status !== 200) return failure(`${prefix}deliver ${event.kind} <${event.name}>`, delivered);
  progress.worked.push(`${prefix}${event.kind}:${event.name}`);
  return undefined;
}

async function complete(
  app: TestApp,
  task: { id: string; activityId: string; formKey?: string; candidateGroups: string[] },
  catalog: CorpusCatalog,
  progress: Progress,
  prefix: string,
): Promise<Outcome | undefined> {
  if (++progress.steps > MAX_STEPS) return { kind: 'fails', detail: `more than ${MAX_STEPS} tasks` };
  const key = `${prefix}${task.activityId}`;
  const round = progress.rounds.get(key) ?? 0;
  progress.rounds.set(key, round + 1);
  progress.worked.push(key);
  const data = dataFor(task.formKey, round, catalog.generatedForms);
  const done = await app.call(
    workerFor(task.candidateGroups),
    'POST',
    `/api/tasks/${task.id}/complete`,
    data,
  );
  return done.status === 200 ? undefined : failure(`complete <${key}>`, done);
}

function report(results: readonly (Outcome & { diagram: string })[]): string {
  const count = (kind: Kind) => results.filter((result) => result.kind === kind).length;
  const kinds: Kind[] = ['runs', 'refused', 'needs messages', 'fails', 'hang', '500'];
  const rows = results.map(({ diagram, kind, detail }) => [diagram, kind, detail]);
  return [
    `${results.length} diagrams: ${kinds.map((kind) => `${count(kind)} ${kind}`).join(', ')}.`,
    '',
    markdownTable(['diagram', 'outcome', 'detail'], rows),
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
    const diagrams = files.map((file) => ({
      diagram: file.replace(/\.bpmn$/, ''),
      xml: readFileSync(path.join(COMPAT, file), 'utf8'),
    }));
    const driven = async ({ diagram, xml }: (typeof diagrams)[number]) => ({
      diagram,
      ...(await run(app, diagram, xml)),
    });
    // Several diagrams at once (their timer waits and round trips overlap); those with signals one
    // at a time after them, as a signal is broadcast to every ticket waiting for its name.
    const order = ({ diagram }: { diagram: string }) => diagrams.findIndex((d) => d.diagram === diagram);
    const broadcasts = ({ xml }: { xml: string }) => xml.includes('signalEventDefinition');
    const results = [
      ...(await inPool(diagrams.filter((d) => !broadcasts(d)), AT_ONCE, driven)),
      ...(await inPool(diagrams.filter(broadcasts), 1, driven)),
    ].sort((a, b) => order(a) - order(b));
    writeReport(REPORT, report(results));
    const detail = (diagram: string) => results.find((result) => result.diagram === diagram)?.detail;
    // then: of two executable processes only the one named after the procedure runs
    expect(detail('two-executable-processes')).toBe('1 task(s) completed: handle');
    // then: the inclusive join waits for both taken branches and the rest runs once
    expect(detail('inclusive-split-join')).toMatch(
      /^4 task\(s\) completed: decide, (finance, legal|legal, finance), close$/,
    );
    // then: messages, signals, event sub-processes, calls and multi-instance are driven as drawn
    for (const [diagram, expected] of Object.entries(DRIVEN))
      expect([diagram, detail(diagram)]).toEqual([diagram, expected]);
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
