import { BpmnDefinitionParser } from '../../src/adapters/bpmn/definition-parser.js';
import { MAX_EXPRESSION_TEXT, placeholderSources } from '../../src/adapters/bpmn/placeholders.js';
import { rejection } from '../support/errors.js';
import { inlineBpmn as bpmn, sequenceFlow as flow } from '../support/inline-bpmn.js';

/** `${ ... }` placeholders are read by a linear scan, and over-long texts are refused before they are read. */

/** start → `node` (with id `id`) → end. */
const around = (id: string, node: string) =>
  `<bpmn:startEvent id="s" name="s" />${flow('s', id)}${node}${flow(id, 'e')}<bpmn:endEvent id="e" name="e" />`;
const timer = (duration: string) =>
  around(
    't',
    `<bpmn:intermediateCatchEvent id="t" name="t"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${duration}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`,
  );
const parameter = (value: string) =>
  around(
    'work',
    `<bpmn:userTask id="work" name="work"><bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter name="greeting">${value}</camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements></bpmn:userTask>`,
  );
const sendTask = (attach: string) =>
  around(
    'mail',
    `<bpmn:sendTask id="mail" name="mail"><bpmn:extensionElements><camunda:properties><camunda:property name="template" value="ack" /><camunda:property name="attach" value="${attach}" /></camunda:properties></bpmn:extensionElements></bpmn:sendTask>`,
  );
const condition = (text: string) =>
  `<bpmn:startEvent id="s" name="s" />${flow('s', 'g')}<bpmn:exclusiveGateway id="g" name="g" default="f-g-e" />${flow('g', 'e')}
   <bpmn:sequenceFlow id="c" sourceRef="g" targetRef="e"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${text}</bpmn:conditionExpression></bpmn:sequenceFlow>
   <bpmn:endEvent id="e" name="e" />`;

const parser = new BpmnDefinitionParser();
const parse = (body: string) => parser.parse(bpmn(body), 'inline', 'inline.bpmn');
const refused = (body: string) => rejection(parse(body));
const reasons = (error: { details: readonly { path: string; reason: string }[] }) =>
  error.details.map((issue) => `${issue.path}:${issue.reason}`);
/** `${` repeated, never closed, `length` characters in all. */
const unclosed = (length: number) => '${'.repeat(length / 2);

describe('placeholders are found by a linear scan, as the old /\\$\\{([^}]+)\\}/g found them', () => {
  test.each([
    ['no placeholder', 'plain text', []],
    ['two placeholders among text', 'Dear ${ name }, ticket ${ticket.id}.', [' name ', 'ticket.id']],
    ['an empty ${}', '${}${ x }', [' x ']],
    ['a "${" inside a placeholder', '${ a ${ b }', [' a ${ b ']],
    ['an unclosed "${" after a closed one', '${ a } and ${ b', [' a ']],
    ['a lone "}"', '} ${ a }', [' a ']],
    ['a placeholder across lines', '${ a\n + b }', [' a\n + b ']],
  ])(
    'given %s, when scanned, then the sources are the ones between "${" and the next "}"',
    (_, text, sources) => {
      expect(placeholderSources(text)).toEqual(sources);
    },
  );

  test('given 64 KB of "${" with no "}", when scanned, then there is no placeholder', () => {
    expect(placeholderSources(unclosed(64 * 1024))).toEqual([]);
  });
});

describe('expression bodies are capped before they are read', () => {
  test('given a timer duration of 64 KB of unclosed "${", when deployed, then it is refused naming the timer', async () => {
    const error = await refused(timer(unclosed(64 * 1024)));
    expect(reasons(error)).toContain('t:expression-too-long');
    expect(error.details).toContainEqual(
      expect.objectContaining({
        path: 't',
        message: `<t>: expression is ${64 * 1024} characters long, over the limit of ${MAX_EXPRESSION_TEXT}`,
      }),
    );
  });

  test('given a condition of 64 KB, when deployed, then it is refused as too long rather than echoed', async () => {
    const error = await refused(condition(`\${ ${'x'.repeat(64 * 1024)} }`));
    expect(reasons(error)).toEqual(['c:expression-too-long']);
    expect(error.message.length).toBeLessThan(200);
  });

  test('given a condition exactly at the cap, with indentation around it, when deployed, then it is accepted', async () => {
    const text = `\${x == '${'a'.repeat(MAX_EXPRESSION_TEXT - 10)}'}`;
    expect(text).toHaveLength(MAX_EXPRESSION_TEXT);
    await expect(parse(condition(`\n        ${text}\n      `))).resolves.toBeDefined();
  });

  test('given a condition one character over the cap, when deployed, then it is refused as too long', async () => {
    const text = `\${x == '${'a'.repeat(MAX_EXPRESSION_TEXT - 9)}'}`;
    expect(text).toHaveLength(MAX_EXPRESSION_TEXT + 1);
    expect(reasons(await refused(condition(text)))).toEqual(['c:expression-too-long']);
  });

  test('given a well-formed condition that does not compile, when deployed, then the expression is still refused', async () => {
    expect(reasons(await refused(condition('${ approved == }')))).toEqual(['c:expression']);
  });

  test('given an unclosed "${" as a condition, when deployed, then it is refused as not one expression, as before', async () => {
    expect(reasons(await refused(condition('${ approved')))).toEqual(['c:condition']);
  });

  test('given a timer duration with a placeholder that does not compile, when deployed, then it is refused naming the timer', async () => {
    expect(reasons(await refused(timer('${ hours + }')))).toContain('t:expression');
  });
});

describe('camunda:inputOutput parameter values are capped before they are read', () => {
  test('given a parameter of 64 KB of unclosed "${", when deployed, then it is refused naming the task and the parameter', async () => {
    const error = await refused(parameter(unclosed(64 * 1024)));
    expect(error.details).toEqual([
      {
        path: 'work',
        reason: 'expression-too-long',
        message: `<work> camunda:inputOutput parameter "greeting" is ${64 * 1024} characters long, over the limit of ${MAX_EXPRESSION_TEXT}`,
      },
    ]);
  });

  test('given a plain parameter far over the cap, without any "${", when deployed, then it is accepted: only placeholders are capped', async () => {
    await expect(parse(parameter('Dear requester, '.repeat(1000)))).resolves.toBeDefined();
  });

  test('given a parameter of unclosed "${" within the cap, when deployed, then it is accepted as plain text, as before', async () => {
    await expect(parse(parameter(unclosed(MAX_EXPRESSION_TEXT)))).resolves.toBeDefined();
    await expect(parse(parameter('Dear ${ name'))).resolves.toBeDefined();
  });

  test('given well-formed placeholders, one of which does not compile, when deployed, then only that one is refused', async () => {
    const error = await refused(parameter('Dear ${ name }, ticket ${ ticket.id } is ${ status == }.'));
    expect(reasons(error)).toEqual(['work:expression']);
    expect(error.details[0]?.message).toMatch(/^<work> camunda:inputOutput parameter "greeting": /);
  });

  test('given well-formed placeholders and an empty "${}", when deployed, then they compile and it is accepted', async () => {
    await expect(parse(parameter('${} Dear ${ name }, ticket ${ ticket.id }'))).resolves.toBeDefined();
  });
});

describe('a send task attach property is read without a regular expression', () => {
  test('given attach "${" + 4000 spaces + "x", when deployed, then it is refused as too long naming the send task', async () => {
    const error = await refused(sendTask(`\${${' '.repeat(4000)}x`));
    expect(error.details).toEqual([
      {
        path: 'mail',
        reason: 'expression-too-long',
        message: `send task <mail> property "attach" is 4003 characters long, over the limit of ${MAX_EXPRESSION_TEXT}`,
      },
    ]);
  });

  test('given attach "${" + 1900 spaces + "x" (within the cap, never closed), when deployed, then it must name a variable, as before', async () => {
    const error = await refused(sendTask(`\${${' '.repeat(1900)}x`));
    expect(reasons(error)).toEqual(['mail:attach']);
    expect(error.details[0]?.message).toBe(
      'send task <mail> property "attach" must name a variable, e.g. reportFile or ${reportFile}',
    );
  });

  test.each([
    ['a bare variable', 'reportFile'],
    ['a placeholder', '${reportFile}'],
    ['a placeholder with inner and outer spaces', `  \${ ${' '.repeat(1000)}reportFile }  `],
  ])('given attach as %s, when deployed, then the variable is catalogued', async (_, attach) => {
    const parsed = await parse(sendTask(attach));
    expect(parsed.catalog.sendTasks.mail).toMatchObject({ template: 'ack', attach: 'reportFile' });
  });

  test.each([['${}'], ['${ a b }'], ['${a}b}'], ['${ 1x }']])(
    'given attach %s, when deployed, then it must name a variable',
    async (attach) => {
      expect(reasons(await refused(sendTask(attach)))).toEqual(['mail:attach']);
    },
  );
});
