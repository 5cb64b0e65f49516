import type { ModdleElement } from 'bpmn-moddle';
import type { FieldIssue } from '../../domain/errors.js';
import { CATALOG_KEY } from './catalog-ids.js';
import type { Placed } from './catalog-lanes.js';
import { generatedForm, type GeneratedForm } from './form-data.js';
import { formKeyOf as readFormKey } from './form-keys.js';
import { issue } from './support.js';

/** The form id of `camunda:formKey` / `camunda:formRef` (see form-keys.ts); refusals go to `issues`. */
export function catalogFormKey(node: ModdleElement, issues: FieldIssue[]): string | undefined {
  const { key, issue: problem } = readFormKey(node);
  if (problem) issues.push(problem);
  return key;
}

/** A task's `camunda:formData` as a generated form (form-data.ts), unless a form key names a form. */
export function generatedFormOf(
  node: ModdleElement,
  procedureId: string,
  issues: FieldIssue[],
): GeneratedForm | undefined {
  if (typeof node.formKey === 'string' || typeof node.formRef === 'string') return undefined;
  return generatedForm(node, procedureId, issues);
}

/**
 * The start form: the form key of the first top-level start event naming a form, else the form
 * generated from the `camunda:formData` of the first top-level start event that has some (ADR 0031).
 */
export function startFormOf(
  nodes: readonly Placed[],
  procedureId: string,
  issues: FieldIssue[],
): { formKey?: string; element?: string; generated?: GeneratedForm } {
  const start = nodes.find(
    ({ node, nested }) =>
      !nested &&
      node.$type === 'bpmn:StartEvent' &&
      (typeof node.formKey === 'string' || typeof node.formRef === 'string'),
  );
  if (start) {
    const formKey = catalogFormKey(start.node, issues);
    return formKey !== undefined ? { formKey, element: String(start.node.id) } : {};
  }
  const generated = generatedStartForm(nodes, procedureId, issues);
  return generated ? { formKey: generated.formKey, element: generated.element, generated } : {};
}

/** The generated form of the first top-level start event with `camunda:formData`, if any. */
function generatedStartForm(
  nodes: readonly Placed[],
  procedureId: string,
  issues: FieldIssue[],
): (GeneratedForm & { element: string }) | undefined {
  for (const { node, nested } of nodes) {
    if (nested || node.$type !== 'bpmn:StartEvent') continue;
    const generated = generatedForm(node, procedureId, issues);
    if (generated) return { ...generated, element: String(node.id) };
  }
  return undefined;
}

/**
 * Process property `portalForm` (docs/adr/0026): the form id (`forms/<id>.form`, a trailing `.form`
 * is dropped) of the requester-facing start form the public portal shows; a bad id goes to `issues`.
 */
export function portalFormOf(
  processId: string,
  value: string | undefined,
  issues: FieldIssue[],
): string | undefined {
  if (value === undefined) return undefined;
  const key = value.trim().replace(/\.form$/, '');
  if (CATALOG_KEY.test(key)) return key;
  const message = `<${processId}> portalForm "${value}" must be a form id (a-z, 0-9, -) of forms/`;
  issues.push(issue(processId, 'portal-form', message));
  return undefined;
}
