import type { ModdleElement } from 'bpmn-moddle';
import { mappingExpression, type CallActivitySpec, type VariableMapping } from '../../domain/call.js';
import type { FieldIssue } from '../../domain/errors.js';
import { compileExpression } from '../../domain/expression/index.js';

/** Procedure ids (file basenames), as deploy accepts them. */
const PROCEDURE_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;
const VERSION = /^[1-9][0-9]{0,8}$/;
/** Mappings per direction at most (untrusted input). */
const MAX_MAPPINGS = 200;

/**
 * Reads a `bpmn:callActivity` (ADR 0019): `calledElement` is a procedure id (or a `${ }`
 * expression giving one at run time); `camunda:calledElementBinding` `latest` (default),
 * `deployment` (taken as latest) or `version` with `camunda:calledElementVersion`;
 * `camunda:in` / `camunda:out` with `source`/`target`, `sourceExpression`/`target` (safe
 * expression language) or `variables="all"`; `businessKey` and `local` are ignored (a called
 * ticket always gets its own number). Java mappings, version tags and CMMN cases are refused.
 */
export function callActivitySpec(node: ModdleElement, issues: FieldIssue[]): CallActivitySpec {
  const id = String(node.id);
  const problem = (reason: string, message: string) =>
    issues.push({ path: id, reason, message: `call activity <${id}> ${message}` });
  const calledElement = typeof node.calledElement === 'string' ? node.calledElement.trim() : '';
  if (!PROCEDURE_ID.test(calledElement) && !validExpression(calledElement)) {
    problem(
      'called-element',
      calledElement
        ? `calledElement "${calledElement.slice(0, 100)}" must be a procedure id (a-z, 0-9, -) or a \${ } expression`
        : 'needs a calledElement naming the procedure it calls',
    );
  }
  for (const attribute of ['variableMappingClass', 'variableMappingDelegateExpression', 'caseRef']) {
    if (node[attribute] !== undefined)
      problem('code', `uses camunda:${attribute}, which runs code or CMMN (not supported)`);
  }
  const binding = String(node.calledElementBinding ?? 'latest');
  const version = typeof node.calledElementVersion === 'string' ? node.calledElementVersion.trim() : '';
  if (binding === 'version' && !VERSION.test(version)) {
    problem(
      'called-element-version',
      `needs camunda:calledElementVersion, a version number, with binding "version"`,
    );
  } else if (!['latest', 'deployment', 'version'].includes(binding)) {
    problem(
      'called-element-binding',
      `binding "${binding.slice(0, 50)}" is not supported (latest, deployment or version)`,
    );
  }
  return {
    id,
    name: String(node.name ?? id),
    calledElement,
    binding: binding === 'version' ? 'version' : 'latest',
    ...(binding === 'version' && VERSION.test(version) ? { version: Number(version) } : {}),
    inputs: mappings(node, 'camunda:In', problem),
    outputs: mappings(node, 'camunda:Out', problem),
  };
}

function mappings(
  node: ModdleElement,
  type: 'camunda:In' | 'camunda:Out',
  problem: (reason: string, message: string) => void,
): VariableMapping[] {
  const direction = type === 'camunda:In' ? 'camunda:in' : 'camunda:out';
  const entries = extensionValues(node).filter((value) => value.$type === type);
  if (entries.length > MAX_MAPPINGS) {
    problem('mappings', `has ${entries.length} ${direction} mappings (at most ${MAX_MAPPINGS})`);
    return [];
  }
  const result: VariableMapping[] = [];
  for (const entry of entries) {
    const mapping = mappingOf(entry, direction, problem);
    if (mapping) result.push(mapping);
  }
  return result;
}

function mappingOf(
  entry: ModdleElement,
  direction: string,
  problem: (reason: string, message: string) => void,
): VariableMapping | undefined {
  if (entry.variables === 'all') return { kind: 'all' };
  const source = typeof entry.source === 'string' ? entry.source.trim() : undefined;
  const expressionText = typeof entry.sourceExpression === 'string' ? entry.sourceExpression : undefined;
  const target = typeof entry.target === 'string' ? entry.target.trim() : source;
  if (source === undefined && expressionText === undefined) {
    if (entry.businessKey !== undefined) return undefined; // a called ticket gets its own number
    problem('mapping', `has a ${direction} without source, sourceExpression or variables="all"`);
    return undefined;
  }
  if (!target || !VARIABLE.test(target) || (source !== undefined && !VARIABLE.test(source))) {
    const shown = `${source ?? expressionText ?? ''} -> ${target ?? ''}`.slice(0, 120);
    problem('mapping', `${direction} "${shown}" must map variable names (letters, digits, _)`);
    return undefined;
  }
  if (source !== undefined) return { kind: 'variable', source, target };
  const expression = mappingExpression(expressionText ?? '');
  if (expression === undefined || !validExpression(expressionText ?? '')) {
    problem('mapping', `${direction} sourceExpression for "${target}" must be one \${ } safe expression`);
    return undefined;
  }
  return { kind: 'expression', expression, target };
}

function validExpression(text: string): boolean {
  const expression = mappingExpression(text);
  if (expression === undefined) return false;
  try {
    compileExpression(expression);
    return true;
  } catch {
    return false;
  }
}

function extensionValues(node: ModdleElement): ModdleElement[] {
  const values = (node.extensionElements as { values?: unknown } | undefined)?.values;
  return Array.isArray(values) ? (values as ModdleElement[]) : [];
}
