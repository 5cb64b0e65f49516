import type { FieldIssue } from '../../../domain/errors.js';
import { requiredIfHolds, type FormComponent, type FormField } from '../../../domain/forms/index.js';
import type { FormSource } from '../../../app/inbox-service.js';
import { isChecked, toSubmission, type RawValues } from './form-values.js';
import { fieldErrors, type ErrorView } from './form-errors.js';
import { textParagraphs, type Paragraph } from './form-text.js';
import { CHECKLIST_FIELD } from '../../../domain/kb/checklist.js';
import { isRecord } from '../../../domain/forms/data-path.js';

/** One option of a select, radio or checklist, ready to render. */
export interface OptionView {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly selected: boolean;
}

/** A field ready to render: the template picks the control by `control`. */
export interface FieldView {
  readonly kind: 'field';
  readonly control: 'input' | 'textarea' | 'select' | 'radio' | 'checkbox' | 'checklist' | 'file';
  readonly inputType: string;
  readonly name: string;
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  /** Required now: always, or because its `requiredIf` holds over the values shown. */
  readonly required: boolean;
  /** The field's `validate.requiredIf` rule, shown next to it (docs/adr/0021). */
  readonly requiredWhen?: string;
  readonly readonly: boolean;
  readonly disabled: boolean;
  readonly value: string;
  readonly checked: boolean;
  readonly options: readonly OptionView[];
  readonly errors: readonly ErrorView[];
  readonly min?: number;
  readonly max?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly step?: string;
  /** Only for files: several may be picked, and the browser's `accept` hint (the server checks by content). */
  readonly multiple?: boolean;
  readonly accept?: string;
}

/** A component of a rendered form. */
export type ComponentView =
  | FieldView
  | { readonly kind: 'text'; readonly paragraphs: readonly Paragraph[] }
  | { readonly kind: 'separator' }
  | { readonly kind: 'group'; readonly label?: string; readonly components: readonly ComponentView[] }
  | { readonly kind: 'unsupported'; readonly label?: string };

/** What the page needs to render a form: its components, plus issues no field shows. */
export interface FormView {
  readonly components: readonly ComponentView[];
  /** True when the form has a file field: it posts `multipart/form-data` (docs/adr/0032). */
  readonly multipart: boolean;
  readonly otherErrors: readonly ErrorView[];
}

const INPUT_TYPES: Readonly<Record<string, string>> = {
  textfield: 'text',
  number: 'number',
  date: 'date',
  time: 'time',
  datetime: 'datetime-local',
};

/**
 * The view model of a form-js form: fields with their labels, descriptions, required
 * markers, values and the validation issues of each field (issue `path` = field path).
 * Nothing here is HTML: the templates escape every string.
 */
export function renderForm(source: FormSource, values: RawValues, issues: readonly FieldIssue[]): FormView {
  const shown = new Set<string>();
  const raw = rawComponents(source.json);
  // Conditional requirements are evaluated here, on the server, over the values the page shows.
  const context = { values, issues, shown, scope: toSubmission(source.schema, values) };
  const components = viewsOf(source.schema.components, raw, '', context);
  const otherErrors = fieldErrors(
    issues.filter((issue) => !shown.has(issue.path)),
    undefined,
  );
  return { components, otherErrors, multipart: hasFileField(components) };
}

interface Context {
  readonly values: RawValues;
  readonly issues: readonly FieldIssue[];
  readonly shown: Set<string>;
  readonly scope: Readonly<Record<string, unknown>>;
}

function viewsOf(
  components: readonly FormComponent[],
  raw: readonly Record<string, unknown>[],
  prefix: string,
  context: Context,
): ComponentView[] {
  // A valid schema keeps every raw component, in order, so both lists line up.
  return components.map((component, index) => viewOf(component, raw[index] ?? {}, prefix, context));
}

function viewOf(
  component: FormComponent,
  raw: Record<string, unknown>,
  prefix: string,
  context: Context,
): ComponentView {
  switch (component.type) {
    case 'group': {
      const nested = component.path ? `${prefix}${component.path}.` : prefix;
      const children = viewsOf(component.components, rawComponents(raw), nested, context);
      return { kind: 'group', label: text(raw.label), components: children };
    }
    case 'dynamiclist':
      // The checklist ticks are filled from the task page's checklist panel (docs/adr/0023).
      if (!prefix && component.path === CHECKLIST_FIELD) return { kind: 'text', paragraphs: [] };
      return { kind: 'unsupported', label: component.label };
    case 'text':
      return { kind: 'text', paragraphs: textParagraphs(text(raw.text) ?? '') };
    case 'separator':
      return { kind: 'separator' };
    case 'html':
    case 'spacer':
    case 'image':
    case 'button':
      return { kind: 'text', paragraphs: [] };
    default:
      return fieldView(component, raw, `${prefix}${component.key}`, context);
  }
}

function fieldView(
  field: FormField,
  raw: Record<string, unknown>,
  path: string,
  context: Context,
): FieldView {
  const id = `field-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const value = Object.hasOwn(context.values, path) ? context.values[path] : undefined;
  const texts = value === undefined ? [] : [value].flat();
  const issues = context.issues.filter((issue) => issue.path === path);
  if (issues.length > 0) context.shown.add(path);
  const { validate } = field;
  const control = controlOf(field);
  return {
    kind: 'field',
    control,
    inputType: inputTypeOf(field),
    name: path,
    id,
    label: field.label ?? field.key,
    description: text(raw.description),
    required: validate.required === true || requiredIfHolds(field, context.scope),
    ...(validate.requiredIf !== undefined ? { requiredWhen: validate.requiredIf } : {}),
    readonly: field.readonly,
    disabled: field.disabled,
    value: texts[0] ?? '',
    checked: control === 'checkbox' && isChecked(value),
    options: (field.values ?? []).map((option, index) => ({
      id: `${id}-${index}`,
      label: option.label,
      value: String(option.value),
      selected: texts.includes(String(option.value)),
    })),
    errors: fieldErrors(issues, field),
    min: validate.min,
    max: validate.max,
    minLength: validate.minLength,
    maxLength: validate.maxLength,
    step: field.type === 'number' ? 'any' : undefined,
    ...(field.type === 'filepicker' ? { multiple: field.multiple === true, accept: field.accept } : {}),
  };
}

function controlOf(field: FormField): FieldView['control'] {
  if (field.type === 'taglist') return 'checklist';
  if (field.type === 'filepicker') return 'file';
  if (field.type === 'textfield' || field.type === 'number' || field.type === 'datetime') return 'input';
  return field.type;
}

function inputTypeOf(field: FormField): string {
  if (field.type === 'datetime') return INPUT_TYPES[field.subtype ?? 'date'] ?? 'date';
  if (field.type === 'textfield' && field.validate.validationType === 'email') return 'email';
  if (field.type === 'textfield' && field.validate.validationType === 'phone') return 'tel';
  return INPUT_TYPES[field.type] ?? 'text';
}

function hasFileField(components: readonly ComponentView[]): boolean {
  return components.some(
    (view) =>
      (view.kind === 'field' && view.control === 'file') ||
      (view.kind === 'group' && hasFileField(view.components)),
  );
}

function rawComponents(json: unknown): Record<string, unknown>[] {
  const list = isRecord(json) && Array.isArray(json.components) ? json.components : [];
  return list.map((item: unknown) => (isRecord(item) ? item : {}));
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
