import type { FieldIssue } from '../errors.js';
import { FORBIDDEN_PROPERTIES } from '../expression/ast.js';
import { parseValidation, type Report } from './parse-validation.js';
import type { DisplayType, FieldType, FormComponent, FormField, FormOption } from './form-schema.js';

const FIELD_TYPES: Readonly<Record<FieldType, true>> = {
  textfield: true,
  textarea: true,
  number: true,
  checkbox: true,
  checklist: true,
  radio: true,
  select: true,
  taglist: true,
  datetime: true,
  filepicker: true,
};
const DISPLAY_TYPES: Readonly<Record<DisplayType, true>> = {
  text: true,
  html: true,
  spacer: true,
  separator: true,
  image: true,
  button: true,
};
const OPTION_TYPES: ReadonlySet<string> = new Set(['radio', 'select', 'checklist', 'taglist']);
const DATA_PATH = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

type Raw = Record<string, unknown>;

/**
 * Deepest nesting of groups and dynamic lists: every walk of a form recurses per level, and an
 * analyst's form of 1,000 nested groups (48 KB) overflowed the stack. Forms need a few.
 */
export const MAX_FORM_NESTING = 20;

/**
 * Checks each raw component of `list` (found at JSON path `at`, inside `depth` groups or lists);
 * problems go to `issues`.
 */
export function parseComponents(
  list: readonly unknown[],
  at: string,
  issues: FieldIssue[],
  depth = 0,
): FormComponent[] {
  return list.flatMap((item, index) => parseComponent(item, `${at}[${index}]`, issues, depth) ?? []);
}

function parseComponent(
  item: unknown,
  where: string,
  issues: FieldIssue[],
  depth: number,
): FormComponent | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    issues.push({ path: where, reason: 'structure', message: `${where} must be an object` });
    return undefined;
  }
  const raw = item as Raw;
  const name = [raw.key, raw.path, raw.id].find((text) => typeof text === 'string' && text !== '') as
    | string
    | undefined;
  const path = name ?? where;
  const report: Report = (reason, message) =>
    issues.push({ path, reason, message: `component <${path}> ${message}` });
  const type = raw.type;
  if (typeof type === 'string' && Object.hasOwn(DISPLAY_TYPES, type))
    return { type: type as DisplayType, id: text(raw.id) };
  if (raw.conditional !== undefined)
    report('unsupported', 'uses "conditional", which the server cannot evaluate');
  if (type === 'group' || type === 'dynamiclist')
    return parseContainer(raw, type, where, report, issues, depth);
  if (typeof type === 'string' && Object.hasOwn(FIELD_TYPES, type))
    return parseField(raw, type as FieldType, report);
  report('unknown-type', typeof type === 'string' ? `has unknown type "${type}"` : 'has no "type"');
  return undefined;
}

function parseContainer(
  raw: Raw,
  type: 'group' | 'dynamiclist',
  where: string,
  report: Report,
  issues: FieldIssue[],
  depth: number,
): FormComponent {
  if (!Array.isArray(raw.components)) report('structure', 'needs a "components" array');
  const tooDeep = depth >= MAX_FORM_NESTING;
  if (tooDeep) report('structure', `nests groups and lists more than ${MAX_FORM_NESTING} levels deep`);
  const children = Array.isArray(raw.components) && !tooDeep ? raw.components : [];
  const components = parseComponents(children, `${where}.components`, issues, depth + 1);
  const path = optionalPath(raw.path, report);
  if (type === 'group') return { type, id: text(raw.id), path, components };
  if (path === undefined) report('key', 'needs a "path" for its list');
  return { type, id: text(raw.id), path: path ?? '', label: text(raw.label), components };
}

function parseField(raw: Raw, type: FieldType, report: Report): FormField {
  if (typeof raw.key !== 'string' || raw.key === '') report('key', 'needs a non-empty "key"');
  const key = typeof raw.key === 'string' && raw.key !== '' ? (optionalPath(raw.key, report) ?? '') : '';
  for (const flag of ['readonly', 'disabled'] as const) {
    if (raw[flag] !== undefined && typeof raw[flag] !== 'boolean')
      report('unsupported', `"${flag}" must be true or false`);
  }
  if (raw.valuesKey !== undefined || raw.valuesExpression !== undefined) {
    report('unsupported', 'takes its options from data; only static "values" are supported');
  }
  let subtype: FormField['subtype'];
  if (type === 'datetime') {
    subtype = raw.subtype === undefined ? 'date' : (raw.subtype as FormField['subtype']);
    if (subtype !== 'date' && subtype !== 'time' && subtype !== 'datetime')
      report('subtype', 'has an unknown "subtype"');
  }
  const properties = parseProperties(raw.properties, report);
  return {
    type,
    key,
    id: text(raw.id),
    ...(type === 'filepicker' ? parseFilePicker(raw, properties, report) : {}),
    label: text(raw.label),
    subtype,
    values: OPTION_TYPES.has(type) ? parseOptions(raw.values, report) : undefined,
    validate: parseValidation(raw.validate, report),
    readonly: raw.readonly === true,
    disabled: raw.disabled === true,
    defaultValue: raw.defaultValue,
    properties,
  };
}

/** form-js custom properties: an object of string values, kept for server-side rules. */
function parseProperties(value: unknown, report: Report): Readonly<Record<string, string>> | undefined {
  if (value === undefined) return undefined;
  const entries =
    value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : null;
  if (!entries || entries.some(([name, v]) => typeof v !== 'string' || FORBIDDEN_PROPERTIES.has(name))) {
    report('properties', 'has "properties" that are not an object of string values');
    return undefined;
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/** A form-js `filepicker`: `multiple`, `accept` and the `visibility` property (docs/adr/0032). */
function parseFilePicker(
  raw: Raw,
  properties: Readonly<Record<string, string>> | undefined,
  report: Report,
): { multiple: boolean; accept?: string } {
  if (raw.multiple !== undefined && typeof raw.multiple !== 'boolean')
    report('unsupported', '"multiple" must be true or false');
  const accept = raw.accept;
  if (accept !== undefined && (typeof accept !== 'string' || accept.length > 200))
    report('unsupported', '"accept" must be a list like ".pdf,image/*" (at most 200 characters)');
  const visibility = properties?.visibility;
  if (visibility !== undefined && visibility !== 'public' && visibility !== 'internal')
    report('properties', 'has property "visibility" other than "public" or "internal"');
  return {
    multiple: raw.multiple === true,
    ...(typeof accept === 'string' && accept.trim() !== '' && accept.length <= 200 ? { accept } : {}),
  };
}

function parseOptions(values: unknown, report: Report): FormOption[] {
  const options = Array.isArray(values) ? values : [];
  const valid = options.every((option: Raw | null) =>
    ['string', 'number', 'boolean'].includes(typeof option?.value),
  );
  if (options.length === 0 || !valid) {
    report('options', 'needs a "values" array of { label, value } with string, number or boolean values');
    return [];
  }
  return options.map((option: Raw) => ({
    label: text(option.label) ?? String(option.value),
    value: option.value as FormOption['value'],
  }));
}

/** A dotted data path (`a` or `a.b`); '' or absent means none. Segments may not be prototype names. */
function optionalPath(value: unknown, report: Report): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (
    typeof value !== 'string' ||
    !DATA_PATH.test(value) ||
    value.split('.').some((part) => FORBIDDEN_PROPERTIES.has(part))
  ) {
    report('key', `has an invalid key or path ${JSON.stringify(value)}`);
    return undefined;
  }
  return value;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
