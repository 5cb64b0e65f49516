import type { ModdleElement } from 'bpmn-moddle';
import type { FieldIssue } from '../../domain/errors.js';
import type { SendTaskSpec } from '../../domain/procedure.js';
import { camundaProperties } from './camunda-properties.js';
import { CATALOG_KEY } from './catalog-ids.js';
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
  // `attach`: the variable holding a filepicker's files (`reportFile` or `${reportFile}`, ADR 0032).
  const attachName = attach?.trim().replace(/^\$\{\s*([^}]*?)\s*\}$/, '$1');
  if (attachName !== undefined && !ATTACH_VARIABLE.test(attachName)) {
    const problem = `property "attach" must name a variable, e.g. reportFile or \${reportFile}`;
    issues.push(issue(id, 'attach', `send task <${id}> ${problem}`));
  }
  return {
    id,
    name: String(node.name ?? id),
    template,
    ...(to ? { to } : {}),
    ...(attachName && ATTACH_VARIABLE.test(attachName) ? { attach: attachName } : {}),
  };
}
