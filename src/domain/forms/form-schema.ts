import { AppError, type FieldIssue } from '../errors.js';
import { buildDataShape } from './data-shape.js';
import { parseComponents } from './parse-component.js';

/** A component type that holds one submitted value. */
export type FieldType =
  | 'textfield'
  | 'textarea'
  | 'number'
  | 'checkbox'
  | 'checklist'
  | 'radio'
  | 'select'
  | 'taglist'
  | 'datetime'
  | 'filepicker';
/** A component type that only displays something and carries no data. */
export type DisplayType = 'text' | 'html' | 'spacer' | 'separator' | 'image' | 'button';
/** What a `datetime` field asks for. */
export type DateTimeSubtype = 'date' | 'time' | 'datetime';
/** A value a radio, select, checklist or taglist offers. */
export type OptionValue = string | number | boolean;

/** One static option of a radio, select, checklist or taglist. */
export interface FormOption {
  readonly label: string;
  readonly value: OptionValue;
}

/** The `validate` block of a field; absent rules do not apply. */
export interface FieldValidation {
  readonly required?: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly min?: number;
  readonly max?: number;
  /** Source of a regular expression the whole (trimmed) value must match. */
  readonly pattern?: string;
  readonly validationType?: 'email' | 'phone';
  /**
   * Extension of form-js (docs/adr/0021-seed-fidelity.md): an expression of the safe condition
   * language over the submitted values; while it holds the field is required, e.g. `infoValid != true`.
   */
  readonly requiredIf?: string;
}

/** A component that holds one value under `key` (a dotted key is a nested path). */
export interface FormField {
  readonly type: FieldType;
  readonly key: string;
  readonly id?: string;
  readonly label?: string;
  /** Only for `datetime`; defaults to `date`. */
  readonly subtype?: DateTimeSubtype;
  /** Only for radio, select, checklist and taglist. */
  readonly values?: readonly FormOption[];
  readonly validate: FieldValidation;
  /** Readonly and disabled fields are shown, never submitted. */
  readonly readonly: boolean;
  readonly disabled: boolean;
  /** Used when the field is absent from the submission, as the form-js viewer would. */
  readonly defaultValue?: unknown;
  /** Only for `filepicker`: several files may be picked (else one). */
  readonly multiple?: boolean;
  /** Only for `filepicker`: the form-js `accept` list (`.pdf,image/*`), checked against the sniffed type. */
  readonly accept?: string;
  /** form-js custom properties (string key/values); server-side rules such as the institutional email read them. */
  readonly properties?: Readonly<Record<string, string>>;
}

/** A layout group; with a `path` its fields nest under that object. */
export interface FormGroup {
  readonly type: 'group';
  readonly id?: string;
  readonly path?: string;
  readonly components: readonly FormComponent[];
}

/** A repeating list: `path` holds an array of objects shaped by `components`. */
export interface FormList {
  readonly type: 'dynamiclist';
  readonly id?: string;
  readonly path: string;
  readonly label?: string;
  readonly components: readonly FormComponent[];
}

/** A component that carries no data (text, image, button...). */
export interface DisplayComponent {
  readonly type: DisplayType;
  readonly id?: string;
}

/** Any component of the supported subset. */
export type FormComponent = FormField | FormGroup | FormList | DisplayComponent;

/** Where each submitted value lives: one entry per property name of an object. */
export type DataShape = ReadonlyMap<string, DataNode>;

/** What one property of the submitted data must hold. */
export type DataNode =
  | { readonly kind: 'field'; readonly field: FormField }
  | { readonly kind: 'object'; readonly children: DataShape }
  | { readonly kind: 'list'; readonly list: FormList; readonly children: DataShape };

/** A checked form-js (bpmn.io form editor) schema. */
export interface FormSchema {
  readonly id: string;
  readonly components: readonly FormComponent[];
  /** The data the form accepts, derived from `components`. */
  readonly data: DataShape;
}

/** Parses the text of a `.form` file; throws FORM_INVALID naming `sourceName`. */
export function parseFormFile(text: string, sourceName: string): FormSchema {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError('FORM_INVALID', `form <${sourceName}> is not valid JSON: ${reason}`, [
      { path: '', reason: 'json', message: reason },
    ]);
  }
  return parseFormSchema(json, sourceName);
}

/**
 * Checks an already parsed form-js schema: `type: "default"`, an `id`, `components`,
 * known component types, and a valid, unique key for every field. Throws
 * FORM_INVALID listing every problem, each naming the component.
 */
export function parseFormSchema(json: unknown, sourceName: string): FormSchema {
  const fail = (issues: FieldIssue[]): never => {
    throw new AppError(
      'FORM_INVALID',
      `form <${sourceName}>: ${issues.map((issue) => issue.message).join('; ')}`,
      issues,
    );
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return fail([{ path: '', reason: 'structure', message: 'the schema must be a JSON object' }]);
  }
  const raw = json as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  if (raw.type !== 'default')
    issues.push({ path: 'type', reason: 'structure', message: '"type" must be "default"' });
  // form-js and Camunda accept a schema without an id (Camunda's own Camunda Forms example has
  // none): the form is then named by its source. One that is there must be a non-empty string.
  if (raw.id !== undefined && (typeof raw.id !== 'string' || raw.id.trim() === '')) {
    issues.push({ path: 'id', reason: 'structure', message: '"id" must be a non-empty string' });
  }
  if (!Array.isArray(raw.components)) {
    issues.push({ path: 'components', reason: 'structure', message: '"components" must be an array' });
  }
  if (issues.length > 0) return fail(issues);
  const components = parseComponents(raw.components as unknown[], 'components', issues);
  const data = buildDataShape(components, issues);
  if (issues.length > 0) return fail(issues);
  return { id: typeof raw.id === 'string' ? raw.id : sourceName, components, data };
}
