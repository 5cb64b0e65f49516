import {
  prefillsCurrentUser,
  type DataShape,
  type FormField,
  type FormSchema,
} from '../../../domain/forms/index.js';
import { getPath, isRecord, setPath } from '../../../domain/forms/data-path.js';

/** Field values as an HTML form holds them: text per field path, a list for checklists. */
export type RawValues = Readonly<Record<string, string | readonly string[]>>;

/** A field with the data path it is submitted under (`key`, or `group.key` inside a group with a path). */
export interface FieldEntry {
  readonly path: string;
  readonly field: FormField;
}

const MULTI: ReadonlySet<string> = new Set(['checklist', 'taglist']);

/** Every field of a form with its data path, in form order (dynamic lists are not rendered). */
export function fieldEntries(shape: DataShape, prefix = ''): FieldEntry[] {
  return [...shape].flatMap(([name, node]) => {
    if (node.kind === 'field') return [{ path: `${prefix}${name}`, field: node.field }];
    if (node.kind === 'object') return fieldEntries(node.children, `${prefix}${name}.`);
    return [];
  });
}

/** What the agent typed, kept as text so the page can show it again (editable fields only). */
export function submittedValues(schema: FormSchema, body: unknown): RawValues {
  const input = isRecord(body) ? body : {};
  const values: Record<string, string | readonly string[]> = {};
  for (const { path, field } of fieldEntries(schema.data)) {
    if (!isEditable(field) || !Object.hasOwn(input, path)) continue;
    const value = input[path];
    const texts = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    values[path] = MULTI.has(field.type) ? texts : (texts[0] ?? '');
  }
  return values;
}

/**
 * The submission the validator expects from the raw values: nested objects for group
 * paths, `true`/`false` for checkboxes (unchecked boxes are not posted by browsers),
 * lists for checklists, text for everything else (the validator converts numbers).
 * A current-user field still showing `user`'s label (`Name (id)`) is stored as the id, as the
 * API stores it (docs/adr/0021): the label is for display only.
 */
export function toSubmission(
  schema: FormSchema,
  values: RawValues,
  user?: PrefillUser,
): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const { path, field } of fieldEntries(schema.data)) {
    if (!isEditable(field)) continue;
    const given = Object.hasOwn(values, path) ? values[path] : undefined;
    const value = user && prefillsCurrentUser(field) ? currentUserId(given, user) : given;
    if (field.type === 'checkbox') setPath(data, path, isChecked(value));
    else if (MULTI.has(field.type)) setPath(data, path, value === undefined ? [] : [value].flat());
    else if (value !== undefined) setPath(data, path, typeof value === 'string' ? value : (value[0] ?? ''));
  }
  return data;
}

/** Who is logged in, for fields that open with the current user (`prefill: currentUser`). */
export interface PrefillUser {
  readonly id: string;
  readonly displayName?: string;
}

/** How a current-user field shows the logged-in user: `Name (id)`, or the id. */
export function userLabel(user: PrefillUser): string {
  const name = user.displayName?.trim();
  return name && name !== user.id ? `${name} (${user.id})` : user.id;
}

/**
 * The values a form opens with: the instance's data where it has the field, else the logged-in
 * user for `prefill: currentUser` fields (docs/adr/0021), else the field's default.
 */
export function initialValues(
  schema: FormSchema,
  variables: Readonly<Record<string, unknown>>,
  user?: PrefillUser,
): RawValues {
  const values: Record<string, string | readonly string[]> = {};
  for (const { path, field } of fieldEntries(schema.data)) {
    if (field.type === 'filepicker') continue; // the page links the stored files instead
    const known = getPath(variables, path);
    const fallback = user && prefillsCurrentUser(field) ? userLabel(user) : field.defaultValue;
    const value = known === undefined || known === null ? fallback : known;
    if (value === undefined || value === null) continue;
    values[path] = Array.isArray(value) ? value.map((item) => String(item)) : String(value);
  }
  return values;
}

/** The user's id where `value` is their label as the form showed it; any other value as given. */
function currentUserId(
  value: string | readonly string[] | undefined,
  user: PrefillUser,
): string | readonly string[] | undefined {
  return typeof value === 'string' && value.trim() === userLabel(user) ? user.id : value;
}

/** True when a checkbox value means checked. */
export function isChecked(value: string | readonly string[] | undefined): boolean {
  const text = typeof value === 'string' ? value : value?.[0];
  return text === 'true' || text === 'on';
}

function isEditable(field: FormField): boolean {
  // Files never travel as text: they are stored and their references added (docs/adr/0032).
  return !field.readonly && !field.disabled && field.type !== 'filepicker';
}
