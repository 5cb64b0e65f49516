import type { ModdleElement } from 'bpmn-moddle';
import type { FieldIssue } from '../../domain/errors.js';
import type { SendTaskSpec } from '../../domain/procedure.js';
import { camundaProperties } from './camunda-properties.js';
import { CATALOG_KEY } from './catalog-ids.js';
import { isTooLong, tooLongIssue, wholePlaceholder } from './placeholders.js';
import { issue } from './support.js';

const ATTACH_VARIABLE = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

/**
 * The catalog entry of a send task: camunda properties `template` (a template id), optional `to`
 * and `attach` (ADR 0032); bad values go to `issues`. A send task without a `template` property
 * sends no email: it is left out (see support.ts warnings).
 */
export function sendTaskSpec(node: ModdleElement, issues: FieldIssue[]): SendTaskSpec | undefined {
  const id = String(node.id);
  const { template = '', to, attach } = camundaProperties(node);
  if (!template.trim()) return undefined;
  if (!CATALOG_KEY.test(template)) {
    const problem = `template "${template}" must be a template id (a-z, 0-9, -)`;
    issues.push(issue(id, 'template', `send task <${id}> ${problem}`));
  }
  const attachName = attach === undefined ? undefined : attachVariable(id, attach, issues);
  return {
    id,
    name: String(node.name ?? id),
    template,
    ...(to ? { to } : {}),
    ...(attachName ? { attach: attachName } : {}),
  };
}

/**
 * The variable an `attach` property names: the variable holding a filepicker's files, written
 * `reportFile` or `${reportFile}` (ADR 0032). Undefined, with a finding in `issues`, when it names none.
 */
function attachVariable(id: string, attach: string, issues: FieldIssue[]): string | undefined {
  const subject = `send task <${id}> property "attach"`;
  if (isTooLong(attach)) {
    issues.push(tooLongIssue(id, subject, attach));
    return undefined;
  }
  const text = attach.trim();
  const name = (wholePlaceholder(text) ?? text).trim();
  if (ATTACH_VARIABLE.test(name)) return name;
  const problem = `must name a variable, e.g. reportFile or \${reportFile}`;
  issues.push(issue(id, 'attach', `${subject} ${problem}`));
  return undefined;
}
