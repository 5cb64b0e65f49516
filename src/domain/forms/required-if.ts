import { AppError, type FieldIssue } from '../errors.js';
import { compileExpression } from '../expression/index.js';
import type { DataShape, FormField } from './form-schema.js';
import { isRecord as isData } from './data-path.js';

/** Longest `validate.requiredIf` expression a form may carry. */
export const MAX_REQUIRED_IF_LENGTH = 500;

type Data = Record<string, unknown>;

/** The expression of a rule: trimmed, without an enclosing `${ }` (as BPMN conditions write it). */
export function ruleExpression(rule: string): string {
  const text = rule.trim();
  return text.startsWith('${') && text.endsWith('}') ? text.slice(2, -1).trim() : text;
}

/**
 * Checks a `validate.requiredIf` rule when the form is parsed: a string in our safe expression
 * language (src/domain/expression), e.g. `infoValid != true` or `${ infoValid != true }`. Returns
 * why it is not acceptable, or undefined.
 */
export function requiredIfProblem(rule: unknown): string | undefined {
  if (typeof rule !== 'string' || ruleExpression(rule) === '') return 'a non-empty expression';
  if (rule.length > MAX_REQUIRED_IF_LENGTH)
    return `an expression of at most ${MAX_REQUIRED_IF_LENGTH} characters`;
  try {
    compileExpression(ruleExpression(rule));
    return undefined;
  } catch (error) {
    return `an expression of the condition language (${error instanceof Error ? error.message : String(error)})`;
  }
}

/**
 * True when a field's `requiredIf` holds over `scope` (the submitted, coerced values of the whole
 * form; inside a dynamic list, the entry's values over the form's). A rule that fails to evaluate
 * counts as holding, so a broken rule asks for more, never less.
 */
export function requiredIfHolds(field: FormField, scope: Readonly<Data>): boolean {
  const rule = field.validate.requiredIf;
  if (rule === undefined) return false;
  try {
    return Boolean(compileExpression(rule).evaluate(scope));
  } catch (error) {
    if (error instanceof AppError) return true;
    throw error;
  }
}

/**
 * The `required` issues of conditionally required fields (docs/adr/0021-seed-fidelity.md): a
 * field whose `validate.requiredIf` holds over the accepted `values` must have a value (a checkbox
 * must be checked). Fields that already have an issue in `earlier` are skipped.
 */
export function checkRequiredIf(
  shape: DataShape,
  values: Readonly<Data>,
  earlier: readonly FieldIssue[],
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const reported = new Set(earlier.map((issue) => issue.path));
  walk(shape, values, values, '', reported, issues);
  return issues;
}

function walk(
  shape: DataShape,
  data: Readonly<Data>,
  scope: Readonly<Data>,
  prefix: string,
  reported: ReadonlySet<string>,
  issues: FieldIssue[],
): void {
  for (const [name, node] of shape) {
    const path = `${prefix}${name}`;
    const value = Object.hasOwn(data, name) ? data[name] : undefined;
    if (node.kind === 'field') {
      const { field } = node;
      if (field.readonly || field.disabled || reported.has(path) || !requiredIfHolds(field, scope)) continue;
      const missing = field.type === 'checkbox' ? value !== true : value === undefined;
      if (missing) issues.push(requiredIssue(field, path));
    } else if (node.kind === 'object') {
      walk(node.children, isData(value) ? value : {}, scope, `${path}.`, reported, issues);
    } else if (Array.isArray(value)) {
      value.forEach((item: unknown, index) => {
        const entry = isData(item) ? item : {};
        walk(node.children, entry, { ...scope, ...entry }, `${path}[${index}].`, reported, issues);
      });
    }
  }
}

function requiredIssue(field: FormField, path: string): FieldIssue {
  const name = `"${field.label || field.key}"`;
  const verb = field.type === 'checkbox' ? 'must be checked' : 'is required';
  return { path, reason: 'required', message: `${name} ${verb} when ${field.validate.requiredIf ?? ''}` };
}
