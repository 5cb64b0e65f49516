import type { ModdleElement } from 'bpmn-moddle';
import type { FieldIssue } from '../../domain/errors.js';
import { ownerId } from './moddle-elements.js';

const CODE_TASKS: Readonly<Record<string, string>> = {
  'bpmn:ScriptTask': 'script task',
  'bpmn:ServiceTask': 'service task',
  'bpmn:BusinessRuleTask': 'business rule task',
};
/** Attributes (any namespace) that make an engine call code: camunda:expression, camunda:class, ... */
const CODE_ATTRIBUTES = new Set(['expression', 'class', 'delegateExpression']);
/** Extension elements (any namespace, compared lower-case) that carry code. */
const CODE_EXTENSIONS = new Set(['executionlistener', 'tasklistener', 'script', 'connector']);
const NO_CODE = 'analyst-authored code does not run on the server';

/**
 * Findings of one element that would make the engine run code: a script, service or
 * business-rule task; a listener, connector or script extension element; camunda
 * expression / class / delegateExpression attributes; a script; an expression with a `language`.
 */
export function codeIssues(element: ModdleElement): FieldIssue[] {
  const id = ownerId(element);
  const task = CODE_TASKS[element.$type];
  if (task) {
    const reason = task.replaceAll(' ', '-');
    return [
      {
        path: id,
        reason,
        message: `${task} <${id}> is not allowed: ${NO_CODE}; use a condition expression or a user task`,
      },
    ];
  }
  const extension = codeExtension(element);
  if (extension) {
    return [
      { path: id, reason: 'code-extension', message: `<${id}> ${extension} is not allowed: ${NO_CODE}` },
    ];
  }
  return [...attributeIssues(element, id), ...scriptIssues(element, id)];
}

/** The `prefix:name` of a non-BPMN extension element that carries code, else undefined. */
function codeExtension(element: ModdleElement): string | undefined {
  const [prefix = '', local = ''] = element.$type.includes(':')
    ? element.$type.split(':')
    : ['', element.$type];
  if (prefix === 'bpmn' || !CODE_EXTENSIONS.has(local.toLowerCase())) return undefined;
  return `${prefix}:${local.charAt(0).toLowerCase()}${local.slice(1)}`;
}

/** Camunda (moddle-typed) and any-namespace (`$attrs`) attributes that name code. */
function attributeIssues(element: ModdleElement, id: string): FieldIssue[] {
  const attributes = [
    ...[...CODE_ATTRIBUTES]
      .filter((name) => typeof element[name] === 'string')
      .map((name) => `camunda:${name}`),
    ...Object.keys(element.$attrs ?? {}).filter((name) => CODE_ATTRIBUTES.has(name.split(':').pop() ?? '')),
  ];
  return attributes.map((name) => ({
    path: id,
    reason: 'code-attribute',
    message: `<${id}> ${name} is not allowed: ${NO_CODE}`,
  }));
}

/** A script, and an expression in a language other than the safe expression language. */
function scriptIssues(element: ModdleElement, id: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (element.script !== undefined) {
    issues.push({
      path: id,
      reason: 'script',
      message: `<${id}> carries a script, which is not allowed: ${NO_CODE}`,
    });
  }
  if (
    typeof element.language === 'string' &&
    element.language.trim() &&
    element.$type.endsWith('Expression')
  ) {
    issues.push({
      path: id,
      reason: 'expression-language',
      message: `<${id}> expression in language "${element.language}" is not allowed: ${NO_CODE}; write conditions as \${ ... } in the safe expression language`,
    });
  }
  return issues;
}
