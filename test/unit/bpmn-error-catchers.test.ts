import { BpmnDefinitionParser } from '../../src/adapters/bpmn/definition-parser.js';
import { DefinitionRejected } from '../../src/app/definitions-service.js';
import { rejection } from '../support/errors.js';

/** Deploy-time `error-uncaught` (issue 16): which catchers of which enclosing scope catch a thrown error. */
const parser = new BpmnDefinitionParser();

/** start → outer sub-process { inner sub-process { start → fail (throws `thrown`) } } → end; `catchers` sit beside. */
function nested(thrown: string, catchers: string, errors: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="x">
  <bpmn:process id="proc" name="Nested" isExecutable="true">
    <bpmn:startEvent id="start" name="s" />
    <bpmn:sequenceFlow id="f-start-outer" sourceRef="start" targetRef="outer" />
    <bpmn:subProcess id="outer" name="outer">
      <bpmn:startEvent id="o-start" name="s" />
      <bpmn:sequenceFlow id="f-o" sourceRef="o-start" targetRef="inner" />
      <bpmn:subProcess id="inner" name="inner">
        <bpmn:startEvent id="i-start" name="s" />
        <bpmn:sequenceFlow id="f-i" sourceRef="i-start" targetRef="fail" />
        <bpmn:endEvent id="fail" name="fail"><bpmn:errorEventDefinition ${thrown} /></bpmn:endEvent>
      </bpmn:subProcess>
      <bpmn:sequenceFlow id="f-inner-o-end" sourceRef="inner" targetRef="o-end" />
      <bpmn:endEvent id="o-end" name="e" />
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="f-outer-end" sourceRef="outer" targetRef="end" />
    <bpmn:endEvent id="end" name="e" />
    ${catchers}
  </bpmn:process>
  ${errors}
</bpmn:definitions>`;
}

const boundaryOnOuter = (ref: string) => `
    <bpmn:boundaryEvent id="caught" name="caught" attachedToRef="outer"><bpmn:errorEventDefinition ${ref} /></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f-caught-end" sourceRef="caught" targetRef="end" />`;
const twoErrorsOneCode = `
  <bpmn:error id="broken" name="Broken" errorCode="BROKEN" />
  <bpmn:error id="broken-too" name="Broken too" errorCode="BROKEN" />
  <bpmn:error id="other" name="Other" errorCode="OTHER" />`;

const uncaught = async (xml: string) => {
  const error = await rejection(parser.parse(xml, 'proc', 'nested.bpmn'));
  expect(error).toBeInstanceOf(DefinitionRejected);
  return error.details.filter((issue) => issue.reason === 'error-uncaught').map((issue) => issue.path);
};

describe('an error thrown two sub-processes deep', () => {
  test('given a boundary event on the outer sub-process catching another error with the same code, when deployed, then it is accepted', async () => {
    const xml = nested('errorRef="broken"', boundaryOnOuter('errorRef="broken-too"'), twoErrorsOneCode);
    await expect(parser.parse(xml, 'proc', 'nested.bpmn')).resolves.toMatchObject({ catalog: {} });
  });

  test('given a catch-all boundary event on the outer sub-process, when deployed, then it is accepted', async () => {
    const xml = nested('errorRef="broken"', boundaryOnOuter(''), twoErrorsOneCode);
    await expect(parser.parse(xml, 'proc', 'nested.bpmn')).resolves.toMatchObject({ catalog: {} });
  });

  test('given the only boundary event catches an error with another code, when deployed, then the thrower is named as uncaught', async () => {
    const xml = nested('errorRef="broken"', boundaryOnOuter('errorRef="other"'), twoErrorsOneCode);
    expect(await uncaught(xml)).toEqual(['fail']);
  });

  test('given a thrower without an error reference, when any error catcher encloses it, then it is accepted', async () => {
    const xml = nested('', boundaryOnOuter('errorRef="other"'), twoErrorsOneCode);
    await expect(parser.parse(xml, 'proc', 'nested.bpmn')).resolves.toMatchObject({ catalog: {} });
  });

  test('given an error event sub-process of the process with the same code, when deployed, then it is accepted', async () => {
    const handler = `
    <bpmn:subProcess id="on-error" name="on error" triggeredByEvent="true">
      <bpmn:startEvent id="h-start" name="s"><bpmn:errorEventDefinition errorRef="broken-too" /></bpmn:startEvent>
      <bpmn:sequenceFlow id="f-h" sourceRef="h-start" targetRef="h-end" />
      <bpmn:endEvent id="h-end" name="e" />
    </bpmn:subProcess>`;
    const xml = nested('errorRef="broken"', handler, twoErrorsOneCode);
    await expect(parser.parse(xml, 'proc', 'nested.bpmn')).resolves.toMatchObject({ catalog: {} });
    const other = nested('errorRef="other"', handler, twoErrorsOneCode);
    expect(await uncaught(other)).toEqual(['fail']);
  });
});
