import { requesterReplyMessageOf } from '../../../src/app/requester-reply.js';

const xml = (properties: string) =>
  `<bpmn:process id="p"><bpmn:extensionElements><camunda:properties>${properties}</camunda:properties></bpmn:extensionElements></bpmn:process>`;

test('given process properties, when the awaited requester message is read, then it is the property (either attribute order) or requester-reply', () => {
  expect(
    requesterReplyMessageOf({
      id: 'a@1',
      xml: xml('<camunda:property name="requesterReplyMessage" value="datos" />'),
    }),
  ).toBe('datos');
  expect(
    requesterReplyMessageOf({
      id: 'b@1',
      xml: xml('<camunda:property value="dati" name="requesterReplyMessage" />'),
    }),
  ).toBe('dati');
  expect(
    requesterReplyMessageOf({ id: 'c@1', xml: xml('<camunda:property name="language" value="es" />') }),
  ).toBe('requester-reply');
});

test('given one version id read from two databases with different diagrams, then each diagram gives its own message', () => {
  const named = (message: string) =>
    xml(`<camunda:property name="requesterReplyMessage" value="${message}" />`);
  expect(requesterReplyMessageOf({ id: 'shared@1', xml: named('first') })).toBe('first');
  expect(requesterReplyMessageOf({ id: 'shared@1', xml: named('second') })).toBe('second');
  expect(requesterReplyMessageOf({ id: 'shared@1', xml: named('first') })).toBe('first');
});
