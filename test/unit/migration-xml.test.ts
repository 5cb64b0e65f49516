import { BpmnDefinitionParser } from '../../src/adapters/bpmn/definition-parser.js';
import { joinReachedBy, movedState } from '../../src/app/migration-plan.js';
import { migrationXmlOf, readMigrationXml } from '../../src/app/migration-xml.js';

const flow = (id: string, from: string, to: string) =>
  `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}" />`;

/** A deployable procedure with a parallel join (`f5`, `f6` → `join`), after a comment of `comment`. */
const diagram = (definitionsId: string, comment: string) => `<?xml version="1.0" encoding="UTF-8"?>
<!-- ${comment} -->
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="${definitionsId}" targetNamespace="http://helpdesk.example/migration">
  <bpmn:process id="mig-desk" isExecutable="true">
    <bpmn:extensionElements><camunda:properties><camunda:property name="ticketPrefix" value="MIG" /></camunda:properties></bpmn:extensionElements>
    <bpmn:startEvent id="start" />
    <bpmn:parallelGateway id="split" />
    <bpmn:userTask id="a" camunda:candidateGroups="l1" />
    <bpmn:userTask id="b" camunda:candidateGroups="l1" />
    <bpmn:parallelGateway id="join" />
    <bpmn:endEvent id="end" />
    ${flow('f1', 'start', 'split')}${flow('f3', 'split', 'a')}${flow('f4', 'split', 'b')}
    ${flow('f5', 'a', 'join')}${flow('f6', 'b', 'join')}${flow('f7', 'join', 'end')}
  </bpmn:process>
</bpmn:definitions>`;

/** What the slow regexes rescanned: many unclosed openers, and fake elements, before the root. */
const hostileComment = [
  '<definitions '.repeat(2000),
  '<bpmn:sequenceFlow '.repeat(2000),
  '<bpmn:definitions id="fake-defs">',
  '<bpmn:sequenceFlow id="f7" targetRef="fake-join" /><bpmn:parallelGateway id="fake-join" />',
].join('');

describe('migration XML reading', () => {
  test('given a deployable file with a hostile comment before the root, when tickets move, then the real definitions id and joins are used', async () => {
    const from = { id: 'mig-desk@1', xml: diagram('defs-v1', hostileComment) };
    const to = { id: 'mig-desk@2', xml: diagram('defs-v2', hostileComment) };
    await expect(new BpmnDefinitionParser().parse(from.xml, 'mig-desk', 'v1.bpmn')).resolves.toBeDefined();

    const state = { definitions: [{ id: 'defs-v1', children: [{ id: 'a', executionId: 'a_1f' }] }] };
    const moved = movedState(state, [{ from: 'a', to: 'b' }], from, to, 2);

    expect(moved).toEqual({
      definitions: [{ id: 'defs-v2', children: [{ id: 'b', executionId: 'b_1fv2' }] }],
    });
    expect(joinReachedBy(from, 'f5')).toBe('join');
    expect(joinReachedBy(from, 'f6')).toBe('join');
    expect(joinReachedBy(from, 'f7')).toBeUndefined();
    expect(joinReachedBy(from, 'f3')).toBeUndefined();
  });

  test('given the BPMN text itself, when read on each call, then the answers are the same as for the version', () => {
    const xml = diagram('defs-v1', hostileComment);

    expect(movedState({ id: 'defs-v1' }, [], xml, diagram('defs-v9', ''), 9)).toEqual({ id: 'defs-v9' });
    expect(joinReachedBy(xml, 'f5')).toBe('join');
    expect(joinReachedBy(xml, 'f7')).toBeUndefined();
  });

  test('given CDATA, a processing instruction, quoted ">", single quotes and other prefixes, when read, then only real tags count', () => {
    const xml = [
      '<?pi <definitions id="pi-defs"?>',
      `<x:definitions a="1 > 0" id='real' xmlns:x="http://www.omg.org/spec/BPMN/20100524/MODEL">`,
      '<![CDATA[<x:sequenceFlow id="c1" targetRef="g" />]]>',
      `<x:sequenceFlow name="a > b" id='s1' targetRef="g"/>`,
      '<sequenceFlow id="s2" targetRef="t" /><sequenceFlow id="s2" targetRef="g" />',
      '<x:inclusiveGateway id="g"></x:inclusiveGateway><x:exclusiveGateway id="t" />',
      '</x:definitions>',
    ].join('\n');

    const read = readMigrationXml(xml);

    expect(read.definitionsId).toBe('real');
    expect([...read.flowTargets]).toEqual([
      ['s1', 'g'],
      ['s2', 't'],
    ]);
    expect([...read.joins]).toEqual(['g']);
  });

  test('given an unterminated comment, when read, then what came before is kept and the rest is ignored', () => {
    const read = readMigrationXml(
      '<definitions id="d"><sequenceFlow id="f" targetRef="j" /><!-- <parallelGateway id="j" />',
    );

    expect(read).toEqual({ definitionsId: 'd', flowTargets: new Map([['f', 'j']]), joins: new Set() });
  });

  test('given a version read once, when read again, then the same reading answers; another text under its id is read afresh', () => {
    const version = { id: 'cache-desk@1', xml: diagram('defs-v1', '') };

    const first = migrationXmlOf(version);

    expect(migrationXmlOf({ ...version })).toBe(first);
    const replaced = migrationXmlOf({ id: version.id, xml: diagram('defs-other', '') });
    expect(replaced.definitionsId).toBe('defs-other');
    expect(migrationXmlOf(version).definitionsId).toBe('defs-v1');
  });

  test('given more versions than are kept, when the first is read again, then it is read afresh and still right', () => {
    const first = { id: 'bounded@1', xml: diagram('defs-1', '') };
    const reading = migrationXmlOf(first);

    for (let n = 2; n <= 20; n++) migrationXmlOf({ id: `bounded@${n}`, xml: diagram(`defs-${n}`, '') });

    const again = migrationXmlOf(first);
    expect(again).not.toBe(reading);
    expect(again).toEqual(reading);
  });
});
