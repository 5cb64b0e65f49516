import { AppError, type FieldIssue } from '../errors.js';
import type { MailPolicy } from '../mail-policy.js';
import { checkField } from './field-checks.js';
import type { DataShape, FormField, FormList, FormSchema } from './form-schema.js';
import { checkInstitutionalEmails } from './institutional-email.js';
import { checkMailRecipients } from './mail-recipients.js';
import { checkRequiredIf } from './required-if.js';
import { fillCurrentUser } from './current-user.js';
import { isRecord as isData } from './data-path.js';
import { listEntriesCap } from './data-shape.js';
import { FORM_PATTERN_STEP_BUDGET, patternSteps } from './pattern-budget.js';

type Data = Record<string, unknown>;

/** What else a submission is checked against. */
export interface SubmissionOptions {
  /** When set, the copy list of mail to the requester (`ccEmails`) must obey it. */
  readonly mailPolicy?: MailPolicy;
  /** Who submits: fills blank `prefill: currentUser` fields (docs/adr/0021). */
  readonly currentUser?: string;
  /** Addresses the institutional-email rule accepts whatever their domain (directory flag, ADR 0030). */
  readonly institutionalAddresses?: (address: string) => boolean;
}

/**
 * Validates data submitted for a form against its schema and returns only the
 * known, coerced values (strings trimmed, numeric and checkbox strings converted,
 * absent optional fields left out or set to their `defaultValue`).
 *
 * Throws VALIDATION_FAILED with one FieldIssue per problem, in form order, then
 * every unknown property (including readonly or disabled fields) as `unknown-field` (the first 50
 * one by one, the rest counted in one more issue),
 * so nothing the form does not ask for is ever stored. Issue paths are field keys;
 * nested data is addressed as `group.field` and `list[0].field`. A dynamic list holding more
 * entries than `listEntriesCap` allows (over all entries of the lists around it) is a `too-many` issue and
 * its entries are not read; a field whose pattern check would take the submission's pattern steps
 * over FORM_PATTERN_STEP_BUDGET is a `too-costly` issue. Conditionally required fields
 * (`validate.requiredIf`) are checked over the accepted values, after the other rules. With `options.mailPolicy`
 * an out-of-policy copy list is a `recipient-not-allowed` or `too-many-copies` issue.
 */
export function validateSubmission(
  schema: FormSchema,
  data: unknown,
  options: SubmissionOptions = {},
): Record<string, unknown> {
  if (!isData(data)) {
    throw new AppError('VALIDATION_FAILED', `form <${schema.id}>: the submitted data must be a JSON object`, [
      { path: '', reason: 'type', message: 'the submitted data must be a JSON object' },
    ]);
  }
  const issues: FieldIssue[] = [];
  const input = options.currentUser ? fillCurrentUser(schema.data, data, options.currentUser) : data;
  const walk: Walk = { issues, entries: new Map(), patternSteps: 0, unknown: 0 };
  const values = validateObject(schema.data, input, '', walk);
  if (walk.unknown > MAX_UNKNOWN_LISTED) {
    const more = walk.unknown - MAX_UNKNOWN_LISTED;
    issues.push({
      path: '',
      reason: 'unknown-field',
      message: `and ${more} more properties this form does not accept`,
    });
  }
  issues.push(...checkRequiredIf(schema.data, values, issues));
  issues.push(...checkInstitutionalEmails(schema.data, values, issues, options.institutionalAddresses));
  if (options.mailPolicy)
    issues.push(...checkMailRecipients(schema.data, values, options.mailPolicy, issues));
  if (issues.length > 0) {
    throw new AppError('VALIDATION_FAILED', `form <${schema.id}>: ${issues.length} field(s) invalid`, issues);
  }
  return values;
}

/** One submission's walk: its issues, how many entries each dynamic list has taken, the pattern steps spent. */
interface Walk {
  readonly issues: FieldIssue[];
  readonly entries: Map<FormList, number>;
  patternSteps: number;
  /** Unknown properties met so far (the first MAX_UNKNOWN_LISTED are listed). */
  unknown: number;
}

/** Unknown properties listed one by one; the rest are counted in one issue (a body may hold 100,000). */
const MAX_UNKNOWN_LISTED = 50;

function validateObject(shape: DataShape, input: Data, prefix: string, walk: Walk): Data {
  const { issues } = walk;
  const values: Data = {};
  for (const [name, node] of shape) {
    const path = `${prefix}${name}`;
    const submitted = Object.hasOwn(input, name) ? input[name] : undefined;
    if (node.kind === 'field') {
      if (node.field.readonly || node.field.disabled) continue;
      if (overPatternBudget(node.field, submitted, path, walk)) continue;
      const check = checkField(node.field, submitted);
      issues.push(...check.problems.map((problem) => ({ path, ...problem })));
      if (check.value !== undefined) values[name] = check.value;
    } else if (node.kind === 'object') {
      if (submitted !== undefined && submitted !== null && !isData(submitted)) {
        issues.push({ path, reason: 'type', message: `"${path}" must be an object` });
        continue;
      }
      // Still walked when absent, so required fields inside are reported.
      const nested = validateObject(node.children, submitted ?? {}, `${path}.`, walk);
      if (Object.keys(nested).length > 0) values[name] = nested;
    } else if (submitted !== undefined && submitted !== null) {
      const entries = validateList(node.list, node.children, submitted, path, walk);
      if (entries !== undefined) values[name] = entries;
    }
  }
  for (const name of Object.keys(input)) {
    const node = shape.get(name);
    if (node === undefined || (node.kind === 'field' && (node.field.readonly || node.field.disabled))) {
      const path = `${prefix}${name}`;
      walk.unknown += 1;
      if (walk.unknown <= MAX_UNKNOWN_LISTED) {
        issues.push({ path, reason: 'unknown-field', message: `"${path}" is not a field this form accepts` });
      }
    }
  }
  return values;
}

/**
 * The entries of a dynamic list, or undefined when the list is refused. A list takes at most
 * `listEntriesCap` entries in a submission, counted over every entry of the lists around it, so
 * lists nested in lists cannot multiply the work; a longer one is refused before any entry is read.
 */
function validateList(
  list: FormList,
  children: DataShape,
  submitted: unknown,
  path: string,
  walk: Walk,
): Data[] | undefined {
  const label = `"${list.label || path}"`;
  if (!Array.isArray(submitted)) {
    walk.issues.push({ path, reason: 'type', message: `${label} must be a list` });
    return undefined;
  }
  const taken = (walk.entries.get(list) ?? 0) + submitted.length;
  const cap = listEntriesCap(children);
  if (taken > cap) {
    const around = path.includes('[') ? ' (counted over all entries of the lists around it)' : '';
    walk.issues.push({
      path,
      reason: 'too-many',
      message: `${label} takes at most ${cap} entries${around}`,
    });
    return undefined;
  }
  walk.entries.set(list, taken);
  return submitted.map((item: unknown, index) => {
    if (isData(item)) return validateObject(children, item, `${path}[${index}].`, walk);
    walk.issues.push({
      path: `${path}[${index}]`,
      reason: 'type',
      message: `each entry of ${label} must be an object`,
    });
    return {};
  });
}

/**
 * Counts the steps of the field's pattern check against FORM_PATTERN_STEP_BUDGET; true (with a
 * `too-costly` issue naming the field, its value left unchecked) once the submission crosses it.
 */
function overPatternBudget(field: FormField, submitted: unknown, path: string, walk: Walk): boolean {
  const steps = patternSteps(field, submitted);
  if (steps === 0) return false;
  walk.patternSteps += steps;
  if (walk.patternSteps <= FORM_PATTERN_STEP_BUDGET) return false;
  const message = `"${field.label || path}": the values of this submission take too long to check against the form's patterns; send shorter values`;
  walk.issues.push({ path, reason: 'too-costly', message });
  return true;
}
