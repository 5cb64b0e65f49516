/*
 * Reads and writes one `camunda:property` (name/value) in an element's
 * `bpmn:extensionElements` → `camunda:properties`, where the server reads the helpdesk's own
 * settings (src/adapters/bpmn/camunda-properties.ts): `template`, `to` (send tasks), `calendar`
 * (timers), `ticketPrefix`, `language` (the process). One undoable command per change.
 */
import { is } from 'bpmn-js/lib/util/ModelUtil';

function propertiesOf(businessObject) {
  const extensionElements = businessObject.get('extensionElements');
  const values = (extensionElements && extensionElements.get('values')) || [];
  return values.find((value) => is(value, 'camunda:Properties'));
}

/** The property's value, '' when absent. */
export function getCamundaProperty(businessObject, name) {
  const properties = propertiesOf(businessObject);
  const found = properties && properties.get('values').find((property) => property.name === name);
  return found && found.value !== undefined ? String(found.value) : '';
}

function create(bpmnFactory, type, attributes, parent) {
  const created = bpmnFactory.create(type, attributes);
  created.$parent = parent;
  return created;
}

function update(element, moddleElement, properties) {
  return { cmd: 'element.updateModdleProperties', context: { element, moddleElement, properties } };
}

/**
 * Sets the property (an empty value removes it; an emptied `camunda:properties` stays, as
 * the Camunda panel leaves it). `element` is the diagram element the change belongs to
 * (undo, selection), `businessObject` the BPMN element that carries the property.
 */
export function setCamundaProperty({ element, businessObject, name, value, bpmnFactory, commandStack }) {
  const commands = [];
  let extensionElements = businessObject.get('extensionElements');
  if (!extensionElements) {
    if (!value) return;
    extensionElements = create(bpmnFactory, 'bpmn:ExtensionElements', { values: [] }, businessObject);
    commands.push(update(element, businessObject, { extensionElements }));
  }
  let properties = propertiesOf(businessObject);
  if (!properties) {
    if (!value) return;
    properties = create(bpmnFactory, 'camunda:Properties', { values: [] }, extensionElements);
    commands.push(
      update(element, extensionElements, { values: [...extensionElements.get('values'), properties] }),
    );
  }
  const existing = properties.get('values').find((property) => property.name === name);
  if (existing && value) {
    commands.push(update(element, existing, { value }));
  } else if (existing) {
    const kept = properties.get('values').filter((property) => property !== existing);
    commands.push(update(element, properties, { values: kept }));
  } else if (value) {
    const property = create(bpmnFactory, 'camunda:Property', { name, value }, properties);
    commands.push(update(element, properties, { values: [...properties.get('values'), property] }));
  }
  if (commands.length) commandStack.execute('properties-panel.multi-command-executor', commands);
}
