import type { ModdleElement } from 'bpmn-moddle';
import type { FieldIssue } from '../../domain/errors.js';

const CODE_TYPES = new Set(['bpmn:ScriptTask', 'bpmn:ServiceTask', 'bpmn:BusinessRuleTask']);
const CODE_ATTRIBUTES = ['expression', 'class', 'delegateExpression', 'resultVariable', 'topic'];
const CODE_EXTENSIONS = new Set(['camunda:ExecutionListener', 'camunda:TaskListener', 'camunda:Script', 'camunda:Connector']);

/**
 * Finds everything that would make the server run analyst-authored code: script,
 * service and business-rule tasks, camunda listeners/expressions, and conditions
 * in a scripting language. Conditions use the safe expression language instead.
 */
export function findCodeElements(elements: readonly ModdleElement[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const element of elements) {
    const id = element.id ?? element.$type;
    if (CODE_TYPES.has(element.$type)) {
      const kind = element.$type.replace('bpmn:', '').replace(/Task$/, ' task').toLowerCase();
      issues.push(issue(id, 'code-task', `${kind} <${id}> is not allowed: analyst-authored code does not run on the server; use a condition expression or a user task`));
    }
    const attribute = CODE_ATTRIBUTES.find((name) => typeof element[name] === 'string' && element.$type !== 'bpmn:FormalExpression');
    if (attribute) issues.push(issue(id, 'code-attribute', `<${id}> uses camunda:${attribute}, which would run code on the server`));
    if (CODE_EXTENSIONS.has(element.$type)) issues.push(issue(id, 'code-extension', `${element.$type} in <${id}> would run code on the server`));
    if (element.$type === 'bpmn:FormalExpression' && typeof element.language === 'string' && element.language) {
      issues.push(issue(id, 'script-condition', `condition in language "${element.language}" is not allowed; write \${ ... } in the safe expression language`));
    }
  }
  return issues;
}

function issue(path: string, reason: string, message: string): FieldIssue {
  return { path, reason, message };
}
