import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  deliverEvent,
  deploy,
  failure,
  formData,
  instanceView,
  markdownTable,
  timerWaiter,
  writeReport,
  type FormComponent,
} from '../support/corpus-driver.js';
import { FIXTURES, startTestApp, type TestApp } from '../support/harness.js';

/**
 * Public example diagrams (issue 13): files copied verbatim from camunda/camunda-bpm-examples
 * (Apache-2.0) and paed01/bpmn-engine (MIT), listed with source and commit in
 * test/fixtures/compat-public/README.md. Each is deployed over HTTP under its file name, started
 * with data generated from its start form, and its user tasks are assigned to an agent and
 * completed with data generated from their forms until it ends, waits for a message or signal,
 * or stops. What each must do is below; no 500, no hang. The per-file report is written to
 * test-output/compatibility-public.md (copied into docs/compatibility-public.md).
 */
const CORPUS = path.join(FIXTURES, 'compat-public');
const FORMS = path.join(CORPUS, 'camunda-bpm-examples', 'forms');
const REPORT = path.resolve('test-output', 'compatibility-public.md');
const MAX_STEPS = 10;
/** Most messages or signals delivered per diagram. */
const MAX_DELIVERIES = 3;
const TIMER_WAIT_MS = 10_000;

type Kind = 'runs' | 'refused' | 'waits' | '500' | 'hang' | 'fails';
interface Outcome {
  readonly kind: Kind;
  readonly detail: string;
  /** For refusals: the first message of each reason. */
  readonly why?: string;
}
/** Expected kind and, for refusals, the reasons that must be named (`reason <element>`). */
interface Expected {
  readonly kind: Kind;
  readonly reasons?: readonly string[];
}

const EXPECTED: Readonly<Record<string, Expected>> = {
  'camunda-bpm-examples/generated-forms-quickstart': { kind: 'runs' },
  // xmlns:camunda="http://activiti.org/bpmn": read as Camunda's namespace (moddle-read.ts).
  'camunda-bpm-examples/generated-forms-quickstart-legacy-namespace': { kind: 'runs' },
  // camunda-forms:app:*.form keys name the form-js files of forms/ (form-keys.ts).
  'camunda-bpm-examples/camunda-forms-quickstart': { kind: 'runs' },
  'camunda-bpm-examples/embedded-forms-quickstart': {
    kind: 'refused',
    reasons: ['form-key <StartEvent_1>', 'form-key <UserTask_1>'],
  },
  // Java delegates (camunda:class, delegateExpression), external tasks and scripts: refused, named.
  'camunda-bpm-examples/synchronous-service-invocation': {
    kind: 'refused',
    reasons: ['service-task <ServiceTask_1>'],
  },
  'camunda-bpm-examples/message-start-process': { kind: 'runs' },
  'camunda-bpm-examples/spring-boot-simple-sample': {
    kind: 'refused',
    reasons: ['service-task <ServiceTask_1>'],
  },
  'camunda-bpm-examples/migrate-on-deployment': { kind: 'runs' },
  'camunda-bpm-examples/junit5-assert-test-process': { kind: 'runs' },
  'camunda-bpm-examples/jackson-waiting-state': { kind: 'runs' },
  'camunda-bpm-examples/order-handling': {
    kind: 'refused',
    reasons: ['service-task <Task_06z99p1>', 'unsupported-event <BoundaryEvent_1y1bvad>'],
  },
  'camunda-bpm-examples/xslt-script-task': { kind: 'refused', reasons: ['script-task <ScriptTask_1>'] },
  'bpmn-engine/boundary-non-interupting-timer': { kind: 'runs' },
  'bpmn-engine/boundary-timeout': { kind: 'refused', reasons: ['code-extension <userTask>'] },
  'bpmn-engine/forms': { kind: 'refused', reasons: ['camunda-form-data <start>'] },
  'bpmn-engine/lanes': { kind: 'refused', reasons: ['catch-without-reference <intermediate>'] },
  'bpmn-engine/multiple-joins': {
    kind: 'refused',
    reasons: ['script-task <scriptTask1>', 'expression-language <flow3>'],
  },
  'bpmn-engine/one-or-the-other': { kind: 'runs' },
  'bpmn-engine/signals': { kind: 'refused', reasons: ['service-task <getSpotPrice>'] },
  'bpmn-engine/sub-process': { kind: 'refused', reasons: ['script-task <subScriptTask>'] },
  'bpmn-engine/timer-event': { kind: 'runs' },
  // Starts on a timer cycle (R3/PT10H): started by hand, it waits for that timer.
  'bpmn-engine/timers': { kind: 'waits' },
};

/** A value a user could type that the field accepts (its pattern is tried on a few candidates). */
function valueFor(component: FormComponent): unknown {
  const { type, values, validate = {} } = component;
  if (type === 'checkbox') return true;
  if (type === 'number') return Math.max(validate.min ?? 0, 1000);
  if (type === 'datetime') return component.subtype === 'time' ? '10:00' : '2030-01-15';
  if (values?.length)
    return type === 'checklist' || type === 'taglist' ? [values[0]?.value] : values[0]?.value;
  const candidates = ['Ana', '1000', 'true', 'C-123'];
  // Fixture patterns are short and linear (the app checks them at load too).
  const pattern = validate.pattern ? new RegExp(validate.pattern) : undefined;
  const text = candidates.find((candidate) => !pattern || pattern.test(candidate)) ?? 'Ana';
  return text.slice(0, validate.maxLength ?? 200);
}

const dataFor = (formKey: string | undefined, generated?: Record<string, string>) =>
  formData(formKey, { formsDir: FORMS, generated, valueFor });

/** Deploys, starts and works one diagram; each task is assigned to luis (agentL1) first. */
async function run(app: TestApp, procedureId: string, xml: string): Promise<Outcome> {
  const deployed = await deploy(app, procedureId, xml);
  if ('outcome' in deployed) return deployed.outcome;
  const { catalog } = deployed;
  const started = await app.call(
    'agentL1',
    'POST',
    `/api/procedures/${procedureId}/instances`,
    dataFor(catalog.startFormKey, catalog.generatedForms),
  );
  if (started.status !== 201) return failure('start', started);
  const instanceId: string = started.body.id;
  const worked: string[] = [];
  const waitForTimer = timerWaiter(TIMER_WAIT_MS);
  let deliveries = 0;
  for (;;) {
    const view = await instanceView(app, instanceId);
    const { status, error, timers = [], awaiting = [] } = view.instance;
    if (status === 'completed') return { kind: 'runs', detail: `completed: ${worked.join(', ') || '-'}` };
    if (status !== 'running') return { kind: 'fails', detail: `instance ${status}: ${error ?? ''}` };
    const task = view.tasks.find((candidate: any) => candidate.status === 'open');
    if (task) {
      if (worked.length >= MAX_STEPS) return { kind: 'fails', detail: `more than ${MAX_STEPS} tasks` };
      worked.push(task.activityId);
      const id = encodeURIComponent(task.id);
      const assigned = await app.call('supervisor', 'POST', `/api/tasks/${id}/assign`, { assignee: 'luis' });
      if (assigned.status !== 200) return failure(`assign <${task.activityId}>`, assigned);
      const data = dataFor(task.formKey, catalog.generatedForms);
      const done = await app.call('agentL1', 'POST', `/api/tasks/${id}/complete`, data);
      if (done.status !== 200) return failure(`complete <${task.activityId}>`, done);
      continue;
    }
    if (await waitForTimer(timers)) continue;
    const event = awaiting[0];
    if (event && deliveries < MAX_DELIVERIES) {
      deliveries++;
      const delivered = await deliverEvent(app, instanceId, event);
      if (delivered.status !== 200) return failure(`deliver ${event.kind} <${event.name}>`, delivered);
      worked.push(`${event.kind}:${event.name}`);
      continue;
    }
    if (awaiting.length) {
      const names = awaiting.map((wait: any) => `${wait.kind} ${wait.name}`).join(', ');
      return { kind: 'waits', detail: `waits for ${names} after ${worked.join(', ') || 'start'}` };
    }
    if (timers.length) {
      const due = timers.map((timer: any) => `${timer.activityId} at ${timer.dueAt}`).join(', ');
      return { kind: 'waits', detail: `waits for timers (${due}) after ${worked.join(', ') || 'start'}` };
    }
    return { kind: 'hang', detail: `running with nothing open (active: ${view.instance.activeActivities})` };
  }
}

function report(results: readonly (Outcome & { file: string })[]): string {
  const rows = results.map(({ file, kind, detail, why }) => [`${file}.bpmn`, kind, detail, why ?? '']);
  return `${markdownTable(['file', 'outcome', 'detail', 'why'], rows)}\n`;
}

describe('public example diagrams (camunda-bpm-examples, bpmn-engine)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ formsDir: FORMS, timerPollMs: 100 });
  });
  afterAll(async () => {
    await app.stop();
  });

  test('given every public diagram, when deployed, started and worked, then each runs, waits or is refused as listed, naming its reasons, with no 500 and no hang', async () => {
    const files = ['camunda-bpm-examples', 'bpmn-engine'].flatMap((source) =>
      readdirSync(path.join(CORPUS, source))
        .filter((name) => name.endsWith('.bpmn'))
        .map((name) => `${source}/${name.slice(0, -'.bpmn'.length)}`),
    );
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
    const results: (Outcome & { file: string })[] = [];
    for (const file of files) {
      const procedureId = `pub-${file.replace('/', '-')}`.toLowerCase().slice(0, 60);
      const outcome = await run(app, procedureId, readFileSync(path.join(CORPUS, `${file}.bpmn`), 'utf8'));
      results.push({ file, ...outcome });
    }
    writeReport(REPORT, report(results));

    const got = Object.fromEntries(results.map((result) => [result.file, result]));
    for (const [file, expected] of Object.entries(EXPECTED)) {
      const outcome = got[file];
      expect({ file, kind: outcome?.kind, detail: outcome?.detail }).toEqual({
        file,
        kind: expected.kind,
        detail: expect.any(String),
      });
      for (const reason of expected.reasons ?? []) expect(`${file}: ${outcome?.detail}`).toContain(reason);
    }
    expect(results.filter((result) => ['500', 'hang'].includes(result.kind))).toEqual([]);
  }, 240_000);
});
