import { AppError, type FieldIssue } from '../errors.js';
import { childrenOf, type Node } from '../expression/ast.js';
import { compileExpression, type CompiledExpression } from '../expression/index.js';
import type { DataShape, FormField } from './form-schema.js';
import { isRecord as isData } from './data-path.js';

/** Longest `validate.requiredIf` expression a form may carry. */
export const MAX_REQUIRED_IF_LENGTH = 500;

type Data = Record<string, unknown>;
/** The data a rule sees, innermost first: a dynamic-list entry, the entries around it, then the form. */
type Layers = readonly [Readonly<Data>, ...Readonly<Data>[]];

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
  return ruleHolds(field, () => scope);
}

function ruleHolds(field: FormField, scopeFor: (expression: CompiledExpression) => Readonly<Data>): boolean {
  const rule = field.validate.requiredIf;
  if (rule === undefined) return false;
  try {
    const expression = compileExpression(rule);
    return Boolean(expression.evaluate(scopeFor(expression)));
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
  walk(shape, values, [values], '', reported, issues);
  return issues;
}

function walk(
  shape: DataShape,
  data: Readonly<Data>,
  layers: Layers,
  prefix: string,
  reported: ReadonlySet<string>,
  issues: FieldIssue[],
): void {
  for (const [name, node] of shape) {
    const path = `${prefix}${name}`;
    const value = Object.hasOwn(data, name) ? data[name] : undefined;
    if (node.kind === 'field') {
      const { field } = node;
      if (field.validate.requiredIf === undefined || field.readonly || field.disabled || reported.has(path))
        continue;
      if (!ruleHolds(field, (expression) => layered(expression, layers))) continue;
      const missing = field.type === 'checkbox' ? value !== true : value === undefined;
      if (missing) issues.push(requiredIssue(field, path));
    } else if (node.kind === 'object') {
      walk(node.children, isData(value) ? value : {}, layers, `${path}.`, reported, issues);
    } else if (Array.isArray(value) && hasRule(node.children)) {
      value.forEach((item: unknown, index) => {
        const entry = isData(item) ? item : {};
        walk(node.children, entry, [entry, ...layers], `${path}[${index}].`, reported, issues);
      });
    }
  }
}

/**
 * The scope of a rule inside dynamic lists: only the names the rule reads, each from the innermost
 * layer that has it. Merging whole layers instead would copy every form value once per list entry.
 */
function layered(expression: CompiledExpression, layers: Layers): Readonly<Data> {
  if (layers.length === 1) return layers[0];
  return Object.fromEntries(
    namesRead(expression.ast).flatMap((name) => {
      const layer = layers.find((candidate) => Object.hasOwn(candidate, name));
      return layer === undefined ? [] : [[name, layer[name]]];
    }),
  );
}

const namesOf = new WeakMap<Node, readonly string[]>();

/** The variables an expression reads (its `name` nodes), each once. */
function namesRead(ast: Node): readonly string[] {
  let names = namesOf.get(ast);
  if (names === undefined) {
    const collect = (node: Node): string[] =>
      node.type === 'name' ? [node.name] : childrenOf(node).flatMap(collect);
    names = [...new Set(collect(ast))];
    namesOf.set(ast, names);
  }
  return names;
}

const ruled = new WeakMap<DataShape, boolean>();

/** True when a field of `shape` (or below it) has a `requiredIf`: only then are list entries walked. */
function hasRule(shape: DataShape): boolean {
  let found = ruled.get(shape);
  if (found === undefined) {
    found = [...shape.values()].some((node) =>
      node.kind === 'field' ? node.field.validate.requiredIf !== undefined : hasRule(node.children),
    );
    ruled.set(shape, found);
  }
  return found;
}

function requiredIssue(field: FormField, path: string): FieldIssue {
  const name = `"${field.label || field.key}"`;
  const verb = field.type === 'checkbox' ? 'must be checked' : 'is required';
  return { path, reason: 'required', message: `${name} ${verb} when ${field.validate.requiredIf ?? ''}` };
}
