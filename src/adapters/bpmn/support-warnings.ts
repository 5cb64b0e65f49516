import type { ModdleElement } from 'bpmn-moddle';
import type { FieldIssue } from '../../domain/errors.js';
import { containersOf, list } from './flow-graph.js';
import { flowIndex } from './flow-index.js';
import { idOf, issue } from './support.js';

/**
 * User task attributes of Camunda that this runner does not apply (the task is still offered).
 * `candidateUsers`, `dueDate`, `followUpDate` and `assignee` are applied (ADR 0031).
 */
const IGNORED_TASK_ATTRIBUTES: Readonly<Record<string, string>> = {
  priority: 'the ticket priority comes from the priorityVariable process property',
};

/**
 * Accepted but worth knowing: send tasks without a `template` property send no email;
 * Camunda user task attributes this runner does not apply; conditional splits without
 * a default flow.
 */
export function supportWarnings(process: ModdleElement): FieldIssue[] {
  const warnings: FieldIssue[] = [];
  for (const container of containersOf(process)) {
    for (const element of list(container, 'flowElements')) {
      const id = idOf(element, container);
      if (element.$type === 'bpmn:UserTask') warnings.push(...ignoredAttributes(element, id));
      warnings.push(...defaultlessSplit(element, container, id));
      if (element.$type !== 'bpmn:SendTask' || hasTemplate(element)) continue;
      warnings.push(
        issue(
          id,
          'send-task-without-template',
          `send task <${id}> has no camunda property "template": it completes without sending an email`,
        ),
      );
    }
  }
  return warnings;
}

const CONDITIONAL_SPLITS = new Set(['bpmn:ExclusiveGateway', 'bpmn:InclusiveGateway']);

/** A conditional split without a default flow stops the ticket in error when no condition holds. */
function defaultlessSplit(element: ModdleElement, container: ModdleElement, id: string): FieldIssue[] {
  if (!CONDITIONAL_SPLITS.has(element.$type) || element.default) return [];
  const outgoing = flowIndex(container).outgoing(element);
  if (outgoing.length < 2 && !outgoing.some((flow) => flow.conditionExpression)) return [];
  return [
    issue(
      id,
      'split-without-default',
      `gateway <${id}> has no default flow: if no condition holds, the ticket stops with an error; add a default flow`,
    ),
  ];
}

function ignoredAttributes(task: ModdleElement, id: string): FieldIssue[] {
  return Object.entries(IGNORED_TASK_ATTRIBUTES)
    .filter(([name]) => typeof task[name] === 'string' && String(task[name]).trim())
    .map(([name, instead]) =>
      issue(id, 'camunda-ignored', `<${id}> camunda:${name} is not applied by this runner: ${instead}`),
    );
}

function hasTemplate(element: ModdleElement): boolean {
  return list(element.extensionElements, 'values').some(
    (value) =>
      value.$type === 'camunda:Properties' &&
      list(value, 'values').some(
        (property) => property.name === 'template' && String(property.value ?? '').trim() !== '',
      ),
  );
}
