import { parseDefinition } from '../../src/adapters/bpmn/parse-definition.js';
import { generatedFormKey } from '../../src/adapters/bpmn/form-data.js';

/** camunda:formData becomes a generated form-js schema (issue 13, ADR 0031). */
const withFields = (fields: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="x">
  <bpmn:process id="orders" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Task_Order" />
    <bpmn:userTask id="Task_Order"><bpmn:extensionElements><camunda:formData>${fields}</camunda:formData></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="Task_Order" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

describe('generated forms from camunda:formData', () => {
  test('given typed fields with constraints, then the schema has one component per field with form-js validation', async () => {
    const parsed = await parseDefinition(
      withFields(
        '<camunda:formField id="qty" label="Quantity" type="long" defaultValue="2"><camunda:validation><camunda:constraint name="min" config="1" /><camunda:constraint name="max" config="9" /><camunda:constraint name="readonly" /></camunda:validation></camunda:formField>' +
          '<camunda:formField id="note" type="string"><camunda:validation><camunda:constraint name="maxlength" config="50" /></camunda:validation></camunda:formField>',
      ),
      'orders',
      'orders.bpmn',
    );
    const key = generatedFormKey('orders', 'Task_Order');
    expect(key).toMatch(/^camunda-[0-9a-f]{8}-task-order$/);
    expect(parsed.catalog.userTasks.Task_Order!.formKey).toBe(key);
    const schema = JSON.parse(parsed.catalog.generatedForms![key]!);
    expect(schema.components).toEqual([
      {
        id: 'Field_qty',
        key: 'qty',
        label: 'Quantity',
        type: 'number',
        defaultValue: 2,
        validate: { min: 1, max: 9 },
      },
      { id: 'Field_note', key: 'note', label: 'note', type: 'textfield', validate: { maxLength: 50 } },
    ]);
  });

  test('given an unknown type, a Java validator and an enum without values, then each is refused naming the task and field', async () => {
    const xml = withFields(
      '<camunda:formField id="when" type="customDate" />' +
        '<camunda:formField id="code" type="string"><camunda:validation><camunda:constraint name="validator" config="com.acme.Check" /></camunda:validation></camunda:formField>' +
        '<camunda:formField id="size" type="enum" />',
    );
    await expect(parseDefinition(xml, 'orders', 'orders.bpmn')).rejects.toMatchObject({
      code: 'PROCEDURE_INVALID',
      details: [
        expect.objectContaining({
          path: 'Task_Order',
          reason: 'camunda-form-data',
          message: expect.stringContaining('"when" has type "customDate"'),
        }),
        expect.objectContaining({
          path: 'Task_Order',
          message: expect.stringContaining('constraint "validator"'),
        }),
        expect.objectContaining({
          path: 'Task_Order',
          message: expect.stringContaining('enum field "size" needs values'),
        }),
      ],
    });
  });
});
