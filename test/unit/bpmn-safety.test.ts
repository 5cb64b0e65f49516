import { readFileSync } from 'node:fs';
import { BpmnDefinitionParser } from '../../src/adapters/bpmn/definition-parser.js';
import { firstTooDeep, guardXml, parseDefinition } from '../../src/adapters/bpmn/index.js';
import { isLoop, stronglyConnected } from '../../src/adapters/bpmn/flow-graph.js';
import { DefinitionRejected } from '../../src/app/definitions-service.js';
import { rejection, thrown } from '../support/errors.js';
import { inlineBpmn as bpmn, sequenceFlow as flow } from '../support/inline-bpmn.js';

const userTask = (id: string) => `<bpmn:userTask id="${id}" name="${id}" />`;
const timerOn = (task: string, kind: string, value: string, interrupting = false) =>
  `<bpmn:boundaryEvent id="t" name="t" cancelActivity="${interrupting}" attachedToRef="${task}"><bpmn:timerEventDefinition><bpmn:${kind}>${value}</bpmn:${kind}></bpmn:timerEventDefinition></bpmn:boundaryEvent>`;
const catchTimer = (id: string, kind: string, value: string) =>
  `<bpmn:intermediateCatchEvent id="${id}" name="${id}"><bpmn:timerEventDefinition><bpmn:${kind}>${value}</bpmn:${kind}></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`;
/** start → merge → `inner` (entered at `first`, left at `last`) → decide → (again: merge | done: end). */
const loopAround = (inner: string, first: string, last: string) => `
  <bpmn:startEvent id="start" name="s" />${flow('start', 'merge')}
  <bpmn:exclusiveGateway id="merge" name="m" />${flow('merge', first)}
  ${inner}${flow(last, 'decide')}
  <bpmn:exclusiveGateway id="decide" name="d" default="f-decide-merge" />${flow('decide', 'merge')}
  <bpmn:sequenceFlow id="f-done" sourceRef="decide" targetRef="end"><bpmn:conditionExpression>\${ done }</bpmn:conditionExpression></bpmn:sequenceFlow>
  <bpmn:endEvent id="end" name="e" />`;

const parser = new BpmnDefinitionParser();
const refused = (xml: string, custom = parser) => rejection(custom.parse(xml, 'inline', 'inline.bpmn'));
const reasons = (error: { details: readonly { path: string; reason: string }[] }) =>
  error.details.map((issue) => `${issue.path}:${issue.reason}`);

describe('XML nesting depth is capped before parsing', () => {
  test('given 400000 nested elements, when scanned, then the first one past the cap is found in well under a second', () => {
    const depth = 400_000;
    const xml = `<a>${'<x>'.repeat(depth)}${'</x>'.repeat(depth)}</a>`;
    const started = performance.now();
    expect(firstTooDeep(xml, 200)).toBe(3 * 200);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('given comments, CDATA, quoted ">" and self-closing tags, when scanned, then only real nesting counts', () => {
    const xml = `<a b="x>y"><!-- <c><c><c> --><![CDATA[<d><d><d>]]><e/><e /><f>text</f></a>`;
    expect(firstTooDeep(xml, 2)).toBeUndefined();
    expect(firstTooDeep(`<a><b><c/></b></a>`, 2)).toBeUndefined();
    expect(firstTooDeep(`<a><b><c></c></b></a>`, 2)).toBe(6);
  });

  test('given more elements than the cap, when guarded, then the file is refused before parsing', () => {
    const xml = `<a>${'<b/>'.repeat(10)}</a>`;
    expect(() => guardXml(xml, 'many.bpmn', 1000, { maxElements: 11 })).not.toThrow();
    const error = thrown(() => guardXml(xml, 'many.bpmn', 1000, { maxElements: 10 }));
    expect(error).toMatchObject({
      code: 'PROCEDURE_UNSAFE',
      message: 'many.bpmn: 11 XML elements is over the limit of 10; split the procedure',
      details: [{ path: 'many.bpmn', reason: 'too-many-elements' }],
    });
  });

  test('given a too-deep file with a stylesheet instruction, when guarded, then both are listed at once as unsafe', () => {
    const xml = `<?xml version="1.0"?>\n<?xml-stylesheet href="x"?>\n<a><b><c><d></d></c></b></a>`;
    const error = thrown(() => guardXml(xml, 'deep.bpmn', 1000, { maxDepth: 3 }));
    expect(error.code).toBe('PROCEDURE_UNSAFE');
    expect(error.details).toEqual([
      expect.objectContaining({ reason: 'processing-instruction', path: '2:1' }),
      expect.objectContaining({ reason: 'too-deep', path: '3:10' }),
    ]);
    expect(error.message).toMatch(
      /^deep\.bpmn:2:1: .*; deep\.bpmn:3:10: elements are nested deeper than 3 levels/,
    );
  });
});

describe('declared messages, signals, errors and escalations are capped', () => {
  test('given more messages, signals, errors and escalations than the cap, when deployed, then the file is refused before linting', async () => {
    const declare = (count: number) =>
      Array.from({ length: count }, (_, i) => `<bpmn:message id="m${i}" name="m${i}" />`).join('');
    const file = (count: number) =>
      bpmn(`<bpmn:startEvent id="s" />${flow('s', 'e')}<bpmn:endEvent id="e" />`).replace(
        '</bpmn:definitions>',
        `${declare(count)}</bpmn:definitions>`,
      );
    const options = { limits: { maxGlobalElements: 3 } };
    await expect(parseDefinition(file(3), 'proc', 'globals.bpmn', options)).resolves.toMatchObject({
      procedureId: 'proc',
    });
    const error = await rejection(parseDefinition(file(4), 'proc', 'globals.bpmn', options));
    expect(error).toMatchObject({
      code: 'PROCEDURE_UNSAFE',
      message:
        'globals.bpmn: 4 messages, signals, errors and escalations is over the limit of 3; a procedure needs far fewer',
      details: [{ path: 'globals.bpmn', reason: 'too-many-globals' }],
    });
  });
});

describe('timer cycles must be finite and not too frequent', () => {
  const task = (value: string) =>
    `<bpmn:startEvent id="s" name="s" />${flow('s', 'u')}${userTask('u')}${flow('u', 'e')}<bpmn:endEvent id="e" name="e" />
     ${timerOn('u', 'timeCycle', value)}${flow('t', 'te')}<bpmn:endEvent id="te" name="te" />`;

  test.each([
    ['R/PT0S', ['t:timer-cycle-unbounded', 't:timer-period-too-short']],
    ['R/PT1S', ['t:timer-cycle-unbounded', 't:timer-period-too-short']],
    ['R/P7D', ['t:timer-cycle-unbounded']],
    ['R0/PT1H', ['t:timer-cycle-count']],
    ['R1001/PT1H', ['t:timer-cycle-count']],
    ['R5/PT30S', ['t:timer-period-too-short']],
    ['R3/2026-01-01T00:00:00Z/2026-01-01T00:00:10Z', ['t:timer-period-too-short']],
    ['${ every }', ['t:timer-cycle-expression']],
    ['R5/soon', ['t:timer-period-unknown']],
  ])(
    'given a boundary cycle "%s", when deployed, then PROCEDURE_UNSAFE names the timer',
    async (value, expected) => {
      const error = await refused(bpmn(task(value)));
      expect(error.code).toBe('PROCEDURE_UNSAFE');
      expect(reasons(error)).toEqual(expected);
      expect(error.message).toContain(`timer <t> cycle "${value}"`);
    },
  );

  test.each(['R52/P7D', 'R1000/PT1M', 'R3/2026-01-01T00:00:00Z/PT1H', 'R2/PT1H/2026-01-01T00:00:00Z'])(
    'given a bounded cycle "%s", when deployed, then it is accepted',
    async (value) => {
      await expect(parser.parse(bpmn(task(value)), 'inline', 'inline.bpmn')).resolves.toBeDefined();
    },
  );

  test('given looser limits from the constructor, when a 1-second cycle is deployed, then it is accepted', async () => {
    const lenient = new BpmnDefinitionParser({ limits: { minTimerPeriodMs: 1000, maxCycleRepetitions: 5 } });
    await expect(lenient.parse(bpmn(task('R5/PT1S')), 'inline', 'inline.bpmn')).resolves.toBeDefined();
    expect(reasons(await refused(bpmn(task('R6/PT1S')), lenient))).toEqual(['t:timer-cycle-count']);
  });
});

describe('multi-instance and loops need a literal bound under the cap', () => {
  const looping = (characteristics: string) =>
    `<bpmn:startEvent id="s" name="s" />${flow('s', 'w')}<bpmn:task id="w" name="w">${characteristics}</bpmn:task>${flow('w', 'e')}<bpmn:endEvent id="e" name="e" />`;
  const multi = (inner: string, attributes = 'isSequential="true"') =>
    looping(
      `<bpmn:multiInstanceLoopCharacteristics ${attributes}>${inner}</bpmn:multiInstanceLoopCharacteristics>`,
    );

  test.each([
    [
      'cardinality 200000',
      multi('<bpmn:loopCardinality>200000</bpmn:loopCardinality>'),
      'loop-cardinality',
      /<w> multi-instance loopCardinality 200000 is over the limit of 100/,
    ],
    [
      'cardinality "-3"',
      multi('<bpmn:loopCardinality>-3</bpmn:loopCardinality>'),
      'loop-cardinality',
      /not a whole number/,
    ],
    [
      'only a completion condition',
      multi('<bpmn:completionCondition>${ done }</bpmn:completionCondition>'),
      'loop-unbounded',
      /<w> multi-instance needs a loopCardinality/,
    ],
    [
      'a standard loop without maximum',
      looping('<bpmn:standardLoopCharacteristics />'),
      'loop-unbounded',
      /<w> loops without a loopMaximum/,
    ],
    [
      'a standard loop up to 500',
      looping('<bpmn:standardLoopCharacteristics loopMaximum="500" />'),
      'loop-cardinality',
      /loopMaximum 500/,
    ],
  ])(
    'given %s, when deployed, then PROCEDURE_UNSAFE names the task',
    async (_case, body, reason, message) => {
      const error = await refused(bpmn(body));
      expect(error.code).toBe('PROCEDURE_UNSAFE');
      expect(error.details).toEqual([
        expect.objectContaining({ path: 'w', reason, message: expect.stringMatching(message) }),
      ]);
    },
  );

  test.each([
    ['cardinality 100', multi('<bpmn:loopCardinality>100</bpmn:loopCardinality>', 'isSequential="false"')],
    [
      'an expression cardinality (capped at run time)',
      multi('<bpmn:loopCardinality>${ count }</bpmn:loopCardinality>'),
    ],
    ['a collection', multi('', 'camunda:collection="${ items }" camunda:elementVariable="item"')],
    ['a standard loop up to 5', looping('<bpmn:standardLoopCharacteristics loopMaximum="5" />')],
  ])('given %s, when deployed, then it is accepted', async (_case, body) => {
    await expect(parser.parse(bpmn(body), 'inline', 'inline.bpmn')).resolves.toBeDefined();
  });
});

describe('parallel fan-out is capped', () => {
  const split = (type: string, branches: number) => {
    const ids = Array.from({ length: branches }, (_, i) => `b${i}`);
    const conditional =
      type === 'exclusiveGateway' ? '<bpmn:conditionExpression>${ x }</bpmn:conditionExpression>' : '';
    return `<bpmn:startEvent id="s" name="s" />${flow('s', 'g')}<bpmn:${type} id="g" name="g" />
      ${ids.map((id) => `<bpmn:sequenceFlow id="f-g-${id}" sourceRef="g" targetRef="${id}">${conditional}</bpmn:sequenceFlow>${userTask(id)}${flow(id, `e${id}`)}<bpmn:endEvent id="e${id}" name="e" />`).join('')}`;
  };

  test('given a parallel gateway with 51 branches, when deployed, then the gateway is named', async () => {
    const error = await refused(bpmn(split('parallelGateway', 51)));
    expect(error.details).toEqual([
      expect.objectContaining({
        path: 'g',
        reason: 'fan-out',
        message: expect.stringMatching(/<g> starts 51 branches at once; at most 50/),
      }),
    ]);
  });

  test('given 50 parallel branches, or 60 exclusive ones (only one is taken), when deployed, then both are accepted', async () => {
    await expect(
      parser.parse(bpmn(split('parallelGateway', 50)), 'inline', 'inline.bpmn'),
    ).resolves.toBeDefined();
    await expect(
      parser.parse(bpmn(split('exclusiveGateway', 60)), 'inline', 'inline.bpmn'),
    ).resolves.toBeDefined();
  });
});

describe('a loop of sequence flows must wait somewhere', () => {
  test.each([
    ['a plain task', '<bpmn:task id="w" name="w" />', 'w', 'w', ['merge:loop-without-wait']],
    [
      'a 1-second timer',
      catchTimer('w', 'timeDuration', 'PT1S'),
      'w',
      'w',
      ['merge:loop-without-wait', 'w:timer-in-loop'],
    ],
    [
      'a P0D timer',
      catchTimer('w', 'timeDuration', 'P0D'),
      'w',
      'w',
      ['merge:loop-without-wait', 'w:timer-in-loop'],
    ],
    [
      'a date timer (past after the first turn)',
      catchTimer('w', 'timeDate', '2026-01-01T00:00:00Z'),
      'w',
      'w',
      ['merge:loop-without-wait', 'w:timer-in-loop'],
    ],
    [
      'a user task its PT0S interrupting timer skips',
      `${userTask('w')}${timerOn('w', 'timeDuration', 'PT0S', true)}${flow('t', 'merge')}`,
      'w',
      'w',
      ['merge:loop-without-wait', 't:timer-in-loop'],
    ],
    [
      'a sub-process with only a plain task',
      `<bpmn:subProcess id="w" name="w"><bpmn:startEvent id="ss" name="ss" />${flow('ss', 'st')}<bpmn:task id="st" name="st" />${flow('st', 'se')}<bpmn:endEvent id="se" name="se" /></bpmn:subProcess>`,
      'w',
      'w',
      ['merge:loop-without-wait'],
    ],
  ])(
    'given a loop through %s, when deployed, then PROCEDURE_UNSAFE names the loop',
    async (_case, inner, first, last, expected) => {
      const error = await refused(bpmn(loopAround(inner, first, last)));
      expect(error.code).toBe('PROCEDURE_UNSAFE');
      expect(reasons(error)).toEqual(expected);
      expect(error.message).toMatch(/the loop through <merge>, .*<decide>/);
    },
  );

  test.each([
    ['a user task', userTask('w')],
    ['a one-hour timer', catchTimer('w', 'timeDuration', 'PT1H')],
    [
      'a message catch',
      '<bpmn:intermediateCatchEvent id="w" name="w"><bpmn:messageEventDefinition messageRef="m-reply" /></bpmn:intermediateCatchEvent>',
    ],
    [
      'a user task with a one-hour reminder',
      `${userTask('w')}${timerOn('w', 'timeDuration', 'PT1H')}${flow('t', 'te')}<bpmn:endEvent id="te" name="te" />`,
    ],
    [
      'a sub-process whose every path has a user task',
      `<bpmn:subProcess id="w" name="w"><bpmn:startEvent id="ss" name="ss" />${flow('ss', 'su')}${userTask('su')}${flow('su', 'se')}<bpmn:endEvent id="se" name="se" /></bpmn:subProcess>`,
    ],
  ])('given a loop through %s, when deployed, then it is accepted', async (_case, inner) => {
    const withMessage = bpmn(loopAround(inner, 'w', 'w')).replace(
      '</bpmn:definitions>',
      '<bpmn:message id="m-reply" name="reply" /></bpmn:definitions>',
    );
    await expect(parser.parse(withMessage, 'inline', 'inline.bpmn')).resolves.toBeDefined();
  });

  test('given a loop closed by link events, when deployed, then the link is followed', async () => {
    const link = (type: string, id: string) =>
      `<bpmn:${type} id="${id}" name="${id}"><bpmn:linkEventDefinition name="again" /></bpmn:${type}>`;
    const body = `<bpmn:startEvent id="s" name="s" />${flow('s', 'catch')}${link('intermediateCatchEvent', 'catch')}
      ${flow('catch', 'w')}<bpmn:task id="w" name="w" />${flow('w', 'throw')}${link('intermediateThrowEvent', 'throw')}`;
    const error = await rejection(parseDefinition(bpmn(body), 'inline', 'inline.bpmn'));
    expect(reasons(error)).toEqual(['catch:loop-without-wait']);
  });

  test('given a 200000-node ring, when its components are computed, then one loop is found without recursion', () => {
    const count = 200_000;
    const ring = Array.from({ length: count }, (_, i) => [(i + 1) % count]);
    const components = stronglyConnected(ring);
    expect(components).toHaveLength(1);
    expect(components[0]).toHaveLength(count);
    expect(isLoop(components[0] ?? [], ring)).toBe(true);
    expect(isLoop([0], [[0]])).toBe(true);
    expect(stronglyConnected([[1], []]).filter((c) => isLoop(c, [[1], []]))).toEqual([]);
  });

  test('given a 5000-element gateway loop, when deployed, then it is refused without exhausting the stack', async () => {
    const count = 5000;
    const nodes = Array.from(
      { length: count },
      (_, i) => `<bpmn:exclusiveGateway id="g${i}" />${flow(`g${i}`, `g${(i + 1) % count}`)}`,
    );
    const options = { limits: { maxXmlElements: 20_000 } };
    const error = await rejection(parseDefinition(bpmn(nodes.join('')), 'inline', 'inline.bpmn', options));
    expect(reasons(error)).toEqual(['g0:loop-without-wait']);
    expect(error.message).toMatch(/<g9> and 4990 more never waits/);
  });
});

describe('one refusal lists every problem, and the shipped procedures pass', () => {
  test('given a timer whose invalid value is 100,000 characters long, when deployed, then its finding names the timer and quotes at most 500 characters', async () => {
    const value = `P${'X'.repeat(100_000)}`;
    const xml = bpmn(
      `<bpmn:startEvent id="s" />${flow('s', 'wait')}${catchTimer('wait', 'timeDuration', value)}${flow('wait', 'e')}<bpmn:endEvent id="e" />`,
    );

    const error = await refused(xml);

    const timer = error.details.find((issue) => issue.reason === 'timer');
    expect(timer).toMatchObject({
      path: 'wait',
      message: expect.stringMatching(/^timer <wait> has an invalid/),
    });
    expect(timer!.message.length).toBeLessThanOrEqual(500);
    expect(error.message.length).toBeLessThan(2_000);
  });

  test('given a file with a lint error and an endless cycle, when parsed, then both are listed and the catalog comes along', async () => {
    const xml = readFileSync('test/fixtures/bad/safety/many-problems.bpmn', 'utf8');
    const error = await parser
      .parse(xml, 'many-problems', 'many-problems.bpmn')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DefinitionRejected);
    const rejected = error as DefinitionRejected;
    expect(rejected.code).toBe('PROCEDURE_UNSAFE');
    expect(reasons(rejected)).toEqual(
      expect.arrayContaining(['timer-forever:timer-cycle-unbounded', 'task-orphan:no-disconnected']),
    );
    expect(rejected.catalog?.userTasks.work?.formKey).toBe('no-such-form');
    expect(rejected.catalog?.timers['timer-office']?.calendar).toBe('no-such-calendar');
  });

  test.each(['cita-report', 'complaints', 'radiology-support', 'tuscan-gp-helpdesk'])(
    'given processes/%s.bpmn, when parsed, then it passes every safety check',
    async (id) => {
      const parsed = await parser.parse(readFileSync(`processes/${id}.bpmn`, 'utf8'), id, `${id}.bpmn`);
      expect(parsed.catalog.procedureId).toBe(id);
    },
  );
});
