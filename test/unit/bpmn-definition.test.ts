import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  NOISY_LINT_RULES,
  buildCatalog,
  guardXml,
  lintDefinition,
  parseDefinition,
  type ProcedureCatalog,
} from '../../src/adapters/bpmn/index.js';
import { thrown, rejection } from '../support/errors.js';

const fixture = (name: string) => readFileSync(`test/fixtures/bpmn/${name}`, 'utf8');

/** A minimal definitions document around `body` (process content) with optional extra root elements. */
function bpmn(body: string, { processAttributes = '', before = '', after = '' } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:activiti="http://activiti.org/bpmn" id="defs" targetNamespace="http://helpdesk.example/bpmn">
  ${before}
  <bpmn:process id="proc" name="Inline" isExecutable="true" ${processAttributes}>
    ${body}
  </bpmn:process>
  ${after}
</bpmn:definitions>`;
}

describe('guardXml', () => {
  const ok = bpmn('<bpmn:startEvent id="start" />');

  test('given a plain UTF-8 file (with or without a BOM), when guarded, then it passes', () => {
    expect(() => guardXml(ok, 'ok.bpmn')).not.toThrow();
    expect(() => guardXml(`\uFEFF${ok}`, 'ok.bpmn')).not.toThrow();
    expect(() =>
      guardXml(ok.replace('<?xml version="1.0" encoding="UTF-8"?>\n', ''), 'ok.bpmn'),
    ).not.toThrow();
  });

  test.each([
    ['empty input', '  \n', 'PROCEDURE_INVALID', 'empty', 'x.bpmn'],
    ['a DOCTYPE', ok.replace('\n', '\n<!DOCTYPE x>\n'), 'PROCEDURE_UNSAFE', 'dtd', '2:1'],
    ['a lone ENTITY', `${ok}\n<!entity x "y">`, 'PROCEDURE_UNSAFE', 'dtd', '9:1'],
    [
      'a stylesheet instruction',
      ok.replace('\n', '\n<?xml-stylesheet href="x.xsl"?>\n'),
      'PROCEDURE_UNSAFE',
      'processing-instruction',
      '2:1',
    ],
    ['a late xml declaration', `\n${ok}`, 'PROCEDURE_UNSAFE', 'processing-instruction', '2:1'],
    ['a non-UTF-8 encoding', ok.replace('UTF-8', 'ISO-8859-1'), 'PROCEDURE_INVALID', 'encoding', '1:1'],
  ])(
    'given %s, when guarded, then it is refused naming the file and position',
    (_case, xml, code, reason, path) => {
      const error = thrown(() => guardXml(xml, 'x.bpmn'));
      expect(error.code).toBe(code);
      expect(error.message).toMatch(/^x\.bpmn/);
      expect(error.details).toEqual([expect.objectContaining({ reason, path })]);
    },
  );

  test('given a file over the configured limit, when guarded, then it is refused as unsafe', () => {
    const error = thrown(() => guardXml(ok, 'big.bpmn', 100));
    expect(error).toMatchObject({
      code: 'PROCEDURE_UNSAFE',
      details: [{ reason: 'too-large', path: 'big.bpmn' }],
    });
    expect(error.message).toMatch(/^big\.bpmn: \d+ bytes is over the 100-byte limit/);
  });
});

describe('parseDefinition: rejected fixtures', () => {
  test.each([
    [
      'malformed.bpmn',
      'PROCEDURE_INVALID',
      '5:3',
      /^malformed\.bpmn:5:3: not valid BPMN XML: .*closing tag mismatch/,
    ],
    ['xxe.bpmn', 'PROCEDURE_UNSAFE', '2:1', /^xxe\.bpmn:2:1: .*DOCTYPE\/ENTITY declarations are not allowed/],
    ['billion-laughs.bpmn', 'PROCEDURE_UNSAFE', '2:1', /^billion-laughs\.bpmn:2:1: .*DOCTYPE\/ENTITY/],
    [
      'script-task.bpmn',
      'PROCEDURE_UNSAFE',
      'run-script',
      /^script-task\.bpmn: script task <run-script> is not allowed: analyst-authored code does not run on the server; use a condition expression or a user task$/,
    ],
    [
      'js-condition.bpmn',
      'PROCEDURE_UNSAFE',
      'flow-yes',
      /^js-condition\.bpmn: <flow-yes> expression in language "javascript" is not allowed/,
    ],
    [
      'no-executable-process.bpmn',
      'PROCEDURE_INVALID',
      'defs-not-executable',
      /^no-executable-process\.bpmn: no executable process/,
    ],
  ])('given %s, when parsed, then it fails with %s at %s', async (file, code, path, message) => {
    const error = await rejection(parseDefinition(fixture(file), 'some-procedure', file));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.details.map((issue) => issue.path)).toEqual([path]);
  });
});

describe('parseDefinition: analyst-authored code is refused', () => {
  const flow = (id: string) =>
    `<bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="${id}" />`;
  test.each([
    [
      'a service task',
      `${flow('call')}<bpmn:serviceTask id="call" camunda:class="org.Evil" />`,
      'call',
      /service task <call> is not allowed/,
    ],
    [
      'a business rule task',
      '<bpmn:businessRuleTask id="rules" />',
      'rules',
      /business rule task <rules> is not allowed/,
    ],
    [
      'camunda:expression on a send task',
      '<bpmn:sendTask id="mail" camunda:expression="${ x }" />',
      'mail',
      /<mail> camunda:expression is not allowed/,
    ],
    [
      'camunda:delegateExpression on a message event',
      '<bpmn:endEvent id="e"><bpmn:messageEventDefinition id="m" camunda:delegateExpression="${ d }" /></bpmn:endEvent>',
      'm',
      /<m> camunda:delegateExpression/,
    ],
    [
      'a task listener',
      '<bpmn:userTask id="u"><bpmn:extensionElements><camunda:taskListener event="create" class="org.Evil" /></bpmn:extensionElements></bpmn:userTask>',
      'u',
      /<u> camunda:taskListener is not allowed/,
    ],
    [
      'an execution listener',
      '<bpmn:extensionElements><camunda:executionListener event="start"><camunda:script scriptFormat="js">1</camunda:script></camunda:executionListener></bpmn:extensionElements>',
      'proc',
      /<proc> camunda:executionListener is not allowed/,
    ],
    [
      'a camunda:script input',
      '<bpmn:userTask id="u"><bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter name="a"><camunda:script scriptFormat="js">1</camunda:script></camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements></bpmn:userTask>',
      'u',
      /<u> camunda:script is not allowed/,
    ],
    [
      'a foreign-namespace class attribute',
      '<bpmn:userTask id="u" activiti:class="org.Evil" />',
      'u',
      // The legacy Camunda namespace (activiti.org/bpmn) is read as Camunda's (ADR 0031, 2026-11-29).
      /<u> camunda:class is not allowed/,
    ],
    [
      'a conditional event in javascript',
      '<bpmn:intermediateCatchEvent id="wait"><bpmn:conditionalEventDefinition id="c"><bpmn:condition xsi:type="bpmn:tFormalExpression" language="javascript">true</bpmn:condition></bpmn:conditionalEventDefinition></bpmn:intermediateCatchEvent>',
      'c',
      /<c> expression in language "javascript" is not allowed/,
    ],
  ])('given %s, when parsed, then PROCEDURE_UNSAFE names the element', async (_case, body, path, message) => {
    const error = await rejection(parseDefinition(bpmn(body), 'inline', 'inline.bpmn'));
    expect(error.code).toBe('PROCEDURE_UNSAFE');
    expect(error.message).toMatch(/^inline\.bpmn: /);
    expect(error.message).toMatch(message);
    expect(error.details.map((issue) => issue.path)).toContain(path);
  });
});

describe('parseDefinition: convention violations', () => {
  const condition = (text: string) =>
    `<bpmn:exclusiveGateway id="gw" default="f-no" /><bpmn:endEvent id="end" />
     <bpmn:sequenceFlow id="f-yes" sourceRef="gw" targetRef="end"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${text}</bpmn:conditionExpression></bpmn:sequenceFlow>
     <bpmn:sequenceFlow id="f-no" sourceRef="gw" targetRef="end" />`;
  const timer = (definition: string) =>
    `<bpmn:userTask id="u" /><bpmn:boundaryEvent id="t" attachedToRef="u"><bpmn:timerEventDefinition>${definition}</bpmn:timerEventDefinition></bpmn:boundaryEvent>`;
  test.each([
    ['a condition that is not ${ ... }', condition('approved == true'), 'f-yes', 'condition'],
    ['a condition that does not compile', condition('${ approved == }'), 'f-yes', 'expression'],
    ['a duplicate id', '<bpmn:userTask id="u" /><bpmn:userTask id="u" />', '5:29', 'duplicate-id'],
    [
      'a lower-case ticketPrefix',
      '<bpmn:extensionElements><camunda:properties><camunda:property name="ticketPrefix" value="cita" /></camunda:properties></bpmn:extensionElements>',
      'proc',
      'ticket-prefix',
    ],
    [
      'a bad language',
      '<bpmn:extensionElements><camunda:properties><camunda:property name="language" value="Spanish!" /></camunda:properties></bpmn:extensionElements>',
      'proc',
      'language',
    ],
    [
      'a send task with a bad template id',
      '<bpmn:sendTask id="mail"><bpmn:extensionElements><camunda:properties><camunda:property name="template" value="Bad Name" /></camunda:properties></bpmn:extensionElements></bpmn:sendTask>',
      'mail',
      'template',
    ],
    ['a path-like formKey', '<bpmn:userTask id="u" camunda:formKey="../secrets" />', 'u', 'form-key'],
    ['a timer without value', timer(''), 't', 'timer'],
    ['a malformed duration', timer('<bpmn:timeDuration>30 minutes</bpmn:timeDuration>'), 't', 'timer'],
    ['a dotted task id', '<bpmn:userTask id="a.b" />', 'a.b', 'id'],
  ])('given %s, when parsed, then PROCEDURE_INVALID names the element', async (_case, body, path, reason) => {
    const error = await rejection(parseDefinition(bpmn(body), 'inline', 'inline.bpmn'));
    expect(error.code).toBe('PROCEDURE_INVALID');
    expect(error.message).toMatch(/^inline\.bpmn: /);
    expect(error.details).toEqual([expect.objectContaining({ path, reason })]);
  });

  test('given two executable processes, when parsed, then both ids are named', async () => {
    const xml = bpmn('<bpmn:startEvent id="s" />', {
      after: '<bpmn:process id="other" isExecutable="true" />',
    });
    const error = await rejection(parseDefinition(xml, 'inline', 'inline.bpmn'));
    expect(error).toMatchObject({
      code: 'PROCEDURE_INVALID',
      details: [{ path: 'proc,other', reason: 'executable-process' }],
    });
  });

  test('given a procedure id without two letters and no ticketPrefix, when parsed, then the author is told to set one', async () => {
    const error = await rejection(parseDefinition(bpmn('<bpmn:startEvent id="s" />'), 'x-1', 'x-1.bpmn'));
    expect(error.message).toMatch(
      /ticketPrefix "X" must be 2 to 8 capital letters \(derived from procedure id x-1/,
    );
  });

  test('given several violations, when parsed, then every one is listed', async () => {
    const error = await rejection(
      parseDefinition(
        bpmn(
          '<bpmn:sendTask id="a"><bpmn:extensionElements><camunda:properties><camunda:property name="template" value="A" /></camunda:properties></bpmn:extensionElements></bpmn:sendTask><bpmn:userTask id="b" camunda:formKey="B" />',
        ),
        'inline',
        'inline.bpmn',
      ),
    );
    expect(error.details.map((issue) => issue.path)).toEqual(['a', 'b']);
  });
});

describe('parseDefinition: accepted fixtures', () => {
  test('given user-task-gateway.bpmn, when parsed as cita-report, then lanes give candidate groups and the prefix defaults to CIT', async () => {
    const parsed = await parseDefinition(
      fixture('user-task-gateway.bpmn'),
      'cita-report',
      'user-task-gateway.bpmn',
    );
    expect(parsed.warnings).toEqual([]);
    expect(parsed.catalog).toEqual<ProcedureCatalog>({
      procedureId: 'cita-report',
      processId: 'cita-report-process',
      name: 'Cita report',
      ticketPrefix: 'CIT',
      language: 'en',
      startFormKey: 'report-start',
      startFormElement: 'start',
      lanes: [
        { id: 'l1', name: 'First line' },
        { id: 'l2', name: 'Second line' },
      ],
      userTasks: {
        review: {
          id: 'review',
          name: 'Review report',
          laneId: 'l1',
          formKey: 'review',
          candidateGroups: ['l1'],
        },
        close: {
          id: 'close',
          name: 'Close ticket',
          laneId: 'l1',
          candidateGroups: ['supervisors', 'l1'],
          assignee: 'ana',
        },
        handle: { id: 'handle', name: 'Handle at second line', laneId: 'l2', candidateGroups: ['l2'] },
      },
      sendTasks: {},
      timers: {},
    });
  });

  test('given boundary-timer.bpmn, when parsed, then explicit properties, the send task and both timers are cataloged', async () => {
    const parsed = await parseDefinition(
      fixture('boundary-timer.bpmn'),
      'sla-escalation',
      'boundary-timer.bpmn',
    );
    expect(parsed.catalog).toEqual<ProcedureCatalog>({
      procedureId: 'sla-escalation',
      processId: 'sla-process',
      name: 'SLA escalation',
      ticketPrefix: 'SLA',
      language: 'es',
      lanes: [],
      userTasks: {
        work: {
          id: 'work',
          name: 'Work on ticket',
          formKey: 'work-ticket',
          candidateGroups: ['specialised-desk'],
        },
        escalate: { id: 'escalate', name: 'Escalate per matrix', candidateGroups: [] },
      },
      sendTasks: { notify: { id: 'notify', name: 'Notify supervisor', template: 'sla-warning' } },
      timers: {
        warn: {
          id: 'warn',
          name: '10 minutes left',
          eventType: 'boundary',
          attachedToRef: 'work',
          cancelActivity: false,
          kind: 'duration',
          value: 'PT10M',
        },
        breach: {
          id: 'breach',
          name: 'SLA breached',
          eventType: 'boundary',
          attachedToRef: 'work',
          cancelActivity: true,
          kind: 'duration',
          value: 'PT30M',
        },
      },
    });
  });

  test('given a parsed catalog, when stored as JSON, then it round-trips unchanged', async () => {
    const { catalog } = await parseDefinition(
      fixture('boundary-timer.bpmn'),
      'sla-escalation',
      'boundary-timer.bpmn',
    );
    expect(JSON.parse(JSON.stringify(catalog))).toEqual(catalog);
  });

  test('given unresolved-ref.bpmn, when parsed, then it succeeds with a warning naming the flow and the missing id', async () => {
    const parsed = await parseDefinition(fixture('unresolved-ref.bpmn'), 'unresolved', 'unresolved-ref.bpmn');
    expect(parsed.warnings).toEqual([
      {
        path: 'flow-2',
        reason: 'unresolved-reference',
        message: '<flow-2> unresolved reference <missing-task> (bpmn:targetRef)',
      },
    ]);
  });

  test('given an unknown camunda attribute, when parsed, then it is a warning, not an error', async () => {
    const parsed = await parseDefinition(
      bpmn('<bpmn:userTask id="u" camunda:formKeyy="x" />'),
      'inline',
      'inline.bpmn',
    );
    expect(parsed.warnings).toEqual([expect.objectContaining({ path: 'u', reason: 'unknown-attribute' })]);
  });

  test('given the same text twice, when parsed, then contentHash is the sha256 of the exact text; one space changes it', async () => {
    const xml = fixture('user-task-gateway.bpmn');
    const first = await parseDefinition(xml, 'cita-report', 'a.bpmn');
    const second = await parseDefinition(xml, 'cita-report', 'b.bpmn');
    const edited = await parseDefinition(`${xml} `, 'cita-report', 'a.bpmn');
    expect(first.contentHash).toBe(createHash('sha256').update(xml).digest('hex'));
    expect(second.contentHash).toBe(first.contentHash);
    expect(edited.contentHash).not.toBe(first.contentHash);
  });
});

describe('buildCatalog', () => {
  test('given nested lanes, a sub-process and a lane-less pool name, when cataloged, then the innermost lane wins and is inherited', async () => {
    const xml = bpmn(
      `<bpmn:laneSet id="ls"><bpmn:lane id="desk" name="Desk"><bpmn:flowNodeRef>sub</bpmn:flowNodeRef><bpmn:flowNodeRef>top</bpmn:flowNodeRef>
         <bpmn:childLaneSet id="cls"><bpmn:lane id="nurses"><bpmn:flowNodeRef>top</bpmn:flowNodeRef></bpmn:lane></bpmn:childLaneSet></bpmn:lane></bpmn:laneSet>
       <bpmn:userTask id="top" />
       <bpmn:subProcess id="sub"><bpmn:userTask id="inner" name="Inner" />
         <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDate>2030-01-01T08:00:00Z</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
       </bpmn:subProcess>`,
      {
        before:
          '<bpmn:collaboration id="c"><bpmn:participant id="pool" name="Pool name" processRef="proc" /></bpmn:collaboration>',
      },
    ).replace('name="Inline" ', '');
    const { definitions } = await parseDefinition(xml, 'inline', 'inline.bpmn');
    const catalog = buildCatalog(definitions, 'inline');
    expect(catalog.lanes).toEqual([
      { id: 'desk', name: 'Desk' },
      { id: 'nurses', name: 'nurses' },
    ]);
    expect(catalog.userTasks.top).toMatchObject({
      laneId: 'nurses',
      candidateGroups: ['nurses'],
      name: 'top',
    });
    expect(catalog.userTasks.inner).toMatchObject({ laneId: 'desk', candidateGroups: ['desk'] });
    expect(catalog.timers.wait).toEqual({
      id: 'wait',
      name: 'wait',
      eventType: 'intermediate',
      cancelActivity: false,
      kind: 'date',
      value: '2030-01-01T08:00:00Z',
    });
    expect(catalog.name).toBe('Pool name');
  });
});

describe('lintDefinition', () => {
  test.each(['user-task-gateway.bpmn', 'boundary-timer.bpmn'])(
    'given the good fixture %s, when linted with bpmnlint:recommended, then there are no findings',
    async (file) => {
      const { definitions } = await parseDefinition(fixture(file), 'lint-check', file);
      expect(await lintDefinition(definitions)).toEqual({ errors: [], warnings: [] });
    },
  );

  test('given the same tree linted twice, when linted again, then stateful rules do not report earlier flows as duplicates', async () => {
    const { definitions } = await parseDefinition(fixture('user-task-gateway.bpmn'), 'lint-check', 'x.bpmn');
    await lintDefinition(definitions);
    expect((await lintDefinition(definitions)).errors).toEqual([]);
  });

  test('given a hand-written file without incoming/outgoing or DI, when linted, then only the documented noisy rules fire', async () => {
    const xml = bpmn(
      `<bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="u" />
       <bpmn:userTask id="u" name="Do it" /><bpmn:sequenceFlow id="f2" sourceRef="u" targetRef="end" /><bpmn:endEvent id="end" />`,
    );
    const { definitions } = await parseDefinition(xml, 'inline', 'inline.bpmn');
    const report = await lintDefinition(definitions);
    const rules = new Set([...report.errors, ...report.warnings].map((issue) => issue.reason));
    expect([...rules].sort()).toEqual(['label-required', 'no-bpmndi']);
    expect(Object.keys(NOISY_LINT_RULES)).toEqual(expect.arrayContaining([...rules]));
    expect(report.errors).toContainEqual({
      path: 'start',
      reason: 'label-required',
      message: '<start> Element is missing label/name (label-required)',
    });
  });

  test('given unresolved-ref.bpmn, when linted, then the orphaned end event is an error with its id and rule', async () => {
    const { definitions } = await parseDefinition(
      fixture('unresolved-ref.bpmn'),
      'unresolved',
      'unresolved-ref.bpmn',
    );
    const { errors } = await lintDefinition(definitions);
    expect(errors).toContainEqual(expect.objectContaining({ path: 'end', reason: 'no-disconnected' }));
  });

  test('given a config outside the installed recommended set, when linted, then the resolver refuses it', async () => {
    const { definitions } = await parseDefinition(fixture('boundary-timer.bpmn'), 'x', 'x.bpmn');
    await expect(lintDefinition(definitions, { extends: 'plugin:evil/recommended' })).rejects.toThrow(
      /unknown config/,
    );
    await expect(lintDefinition(definitions, { rules: { 'evil/rule': 'error' } })).rejects.toThrow(
      /unknown rule/,
    );
  });
});
