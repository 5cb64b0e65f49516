import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BpmnDefinitionParser } from '../../src/adapters/bpmn/definition-parser.js';
import { DefinitionRejected } from '../../src/app/definitions-service.js';

/** Deploy-time support checks (issue 16): what the runner cannot drive is refused naming the element. */
const COMPAT = path.resolve('test/fixtures/compat');
const parser = new BpmnDefinitionParser();

async function refusal(name: string): Promise<{ code: string; reasons: string[]; paths: string[] }> {
  const xml = readFileSync(path.join(COMPAT, `${name}.bpmn`), 'utf8');
  try {
    await parser.parse(xml, name, `${name}.bpmn`);
  } catch (error) {
    if (!(error instanceof DefinitionRejected)) throw error;
    return {
      code: error.code,
      reasons: error.details.map((d) => d.reason),
      paths: error.details.map((d) => d.path),
    };
  }
  throw new Error(`${name} was accepted`);
}

function parse(name: string) {
  const xml = readFileSync(path.join(COMPAT, `${name}.bpmn`), 'utf8');
  return parser.parse(xml, name, `${name}.bpmn`);
}

describe('deploy refuses what the runner cannot drive, naming the element', () => {
  test.each([
    ['complex-gateway', 'unsupported-element', 'two-of-three'],
    ['transaction-cancel', 'unsupported-element', 'booking'],
    ['ad-hoc-sub-process', 'unsupported-element', 'checks'],
    ['conditional-intermediate-event', 'unsupported-event', 'until-approved'],
    ['conditional-boundary-event', 'unsupported-event', 'on-urgent'],
    ['catch-without-definition', 'catch-without-definition', 'wait-forever'],
    ['flows-without-ids', 'missing-id', 'flows-without-ids'],
    ['performer-without-expression', 'performer-without-expression', 'work'],
    ['standard-loop-user-task', 'standard-loop', 'retry'],
    ['error-end-uncaught', 'error-uncaught', 'fail'],
    ['inclusive-join-and-fork', 'inclusive-mixed', 'both'],
    ['form-key-embedded-app', 'form-key', 'note'],
    ['two-executable-no-match', 'executable-process', 'intake,archive-ticket'],
    ['catch-without-reference', 'catch-without-reference', 'wait-reply'],
    ['multi-instance-receive-task', 'multi-instance-catch', 'wait-replies'],
    ['nested-event-sub-process', 'nested-event-sub-process', 'on-cancel'],
    ['call-activity-error-boundary', 'call-boundary-event', 'desk-failed'],
  ])('given %s, when deployed, then it is refused with %s at <%s>', async (name, reason, at) => {
    const { code, reasons, paths } = await refusal(name);
    expect(code).toBe('PROCEDURE_INVALID');
    expect(reasons).toContain(reason);
    expect(paths[reasons.indexOf(reason)]).toBe(at);
  });
});

describe('deploy refuses what would wait forever or never fire (issue 16, no silent hang)', () => {
  const messages = async (name: string): Promise<string[]> => {
    const xml = readFileSync(path.join(COMPAT, `${name}.bpmn`), 'utf8');
    const error = await parser.parse(xml, name, `${name}.bpmn`).then(
      () => undefined,
      (rejected: unknown) => rejected,
    );
    if (!(error instanceof DefinitionRejected)) throw new Error(`${name} was accepted`);
    return error.details.map((d) => d.message);
  };

  test('given a receive task without messageRef and a signal catch without signalRef, when deployed, then each is named with what it lacks', async () => {
    expect(await messages('catch-without-reference')).toEqual([
      expect.stringMatching(/^<wait-reply> names no message \(messageRef\): nothing can deliver it/),
      expect.stringMatching(/^<wait-signal> names no signal \(signalRef\)/),
    ]);
  });

  test('given a multi-instance receive task, when deployed, then the refusal says a message cannot reach its items', async () => {
    expect(await messages('multi-instance-receive-task')).toEqual([
      expect.stringContaining('receive task <wait-replies> is multi-instance'),
    ]);
  });

  test('given an event sub-process with a message start inside a sub-process, when deployed, then the refusal names both and the start kind', async () => {
    expect(await messages('nested-event-sub-process')).toEqual([
      expect.stringContaining('event sub-process <on-cancel> inside sub-process <desk> starts on a message'),
    ]);
  });

  test('given an error boundary event on a call activity, when deployed, then the refusal says errors do not come back from a called ticket', async () => {
    expect(await messages('call-activity-error-boundary')).toEqual([
      expect.stringContaining('error boundary event <desk-failed> on call activity <desk> can never fire'),
    ]);
  });

  test('given an event sub-process with an error start inside a sub-process, when deployed, then it is accepted (errors thrown inside reach it)', async () => {
    const xml = readFileSync(path.join(COMPAT, 'nested-event-sub-process.bpmn'), 'utf8').replace(
      '<bpmn:messageEventDefinition messageRef="cancel" />',
      '<bpmn:errorEventDefinition />',
    );
    await expect(parser.parse(xml, 'nested-error-esp', 'nested-error-esp.bpmn')).resolves.toMatchObject({
      catalog: { procedureId: 'nested-error-esp' },
    });
  });
});

describe('deploy accepts what runs', () => {
  test('given two executable processes, when one has the procedure id, then it is the procedure and the other is a warning', async () => {
    const parsed = await parse('two-executable-processes');
    expect(parsed.catalog.processId).toBe('two-executable-processes');
    expect(Object.keys(parsed.catalog.userTasks)).toEqual(['handle']);
    expect(parsed.warnings.map((w) => [w.reason, w.path])).toContainEqual([
      'process-not-run',
      'archive-ticket',
    ]);
  });

  test('given lint findings and a script in a non-executable pool, when deployed, then they are warnings', async () => {
    const parsed = await parse('collaboration-lint-in-other-pool');
    const paths = parsed.warnings.map((w) => w.path);
    expect(paths).toEqual(expect.arrayContaining(['v-fix', 'v-dangling']));
  });

  test('given deployment:, embedded:deployment: and formRef form references, when deployed, then they name forms/<id>.form', async () => {
    expect((await parse('form-key-deployment')).catalog.userTasks.note?.formKey).toBe('compat-note');
    const embedded = (await parse('form-key-embedded-deployment')).catalog;
    expect([embedded.startFormKey, embedded.userTasks.note?.formKey]).toEqual([
      'compat-start',
      'compat-note',
    ]);
    expect((await parse('form-ref')).catalog.userTasks.note?.formKey).toBe('compat-note');
  });

  test('given a send task without a template, when deployed, then it is accepted with a warning and sends nothing', async () => {
    const parsed = await parse('send-task-without-template');
    expect(parsed.catalog.sendTasks).toEqual({});
    expect(parsed.warnings.map((w) => [w.reason, w.path])).toContainEqual([
      'send-task-without-template',
      'acknowledge',
    ]);
  });

  test('given Camunda user task attributes, when deployed, then candidate users and the due date are catalogued and only the priority is a warning (ADR 0031)', async () => {
    const parsed = await parse('camunda-ignored-attributes');
    const ignored = parsed.warnings.filter((w) => w.reason === 'camunda-ignored').map((w) => w.message);
    expect(ignored).toEqual([expect.stringContaining('camunda:priority')]);
    expect(parsed.catalog.userTasks.work).toMatchObject({
      candidateUsers: ['kermit'],
      candidateGroups: [],
      dueDate: '2030-01-01T00:00:00',
    });
  });

  test('given a conditional split without a default flow, when deployed, then it is accepted with a warning', async () => {
    const parsed = await parse('inclusive-split-only');
    expect(parsed.warnings.map((w) => [w.reason, w.path])).toContainEqual(['split-without-default', 'which']);
  });

  test.each([
    'inclusive-split-join',
    'error-end-caught-by-boundary',
    'error-end-catch-all-boundary',
    'error-event-sub-process',
    'escalation-non-interrupting',
    'terminate-parallel-branch',
    'performer-with-expression',
    'call-activity-caller',
    'multi-instance-call-activity',
    'multi-instance-sub-process',
    'event-sub-process-message',
    'event-sub-process-signal',
    'event-sub-process-timer',
    'message-boundary-interrupting',
    'message-start',
  ])('given %s, when deployed, then it is accepted', async (name) => {
    await expect(parse(name)).resolves.toMatchObject({ catalog: { procedureId: name } });
  });
});
