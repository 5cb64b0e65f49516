import type { ModdleElement } from 'bpmn-moddle';
import { list } from './flow-graph.js';

/** The name/value pairs of `camunda:properties` in an element's extension elements. */
export function camundaProperties(element: ModdleElement): Record<string, string> {
  const result: Record<string, string> = {};
  for (const value of list(element.extensionElements, 'values')) {
    if (value.$type !== 'camunda:Properties') continue;
    for (const property of list(value, 'values')) {
      if (typeof property.name === 'string') result[property.name] = String(property.value ?? '');
    }
  }
  return result;
}
