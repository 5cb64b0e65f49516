import { AppError, type FieldIssue } from '../errors.js';

/** A form-js component, as far as server-side validation needs it. */
export interface FormComponent {
  readonly type: string;
  readonly key?: string;
  readonly id?: string;
  readonly label?: string;
  readonly subtype?: string;
  readonly values?: readonly { label?: string; value: unknown }[];
  readonly validate?: {
    readonly required?: boolean;
    readonly minLength?: number;
    readonly maxLength?: number;
    readonly min?: number;
    readonly max?: number;
    readonly pattern?: string;
    readonly validationType?: 'email' | 'phone';
  };
  readonly readonly?: boolean;
  readonly disabled?: boolean;
  readonly components?: readonly FormComponent[];
}

/** A form-js (bpmn.io form editor) schema. */
export interface FormSchema {
  readonly id: string;
  readonly components: readonly FormComponent[];
}

/** Component types that carry data, and those that only display. */
export const DATA_TYPES = new Set(['textfield', 'textarea', 'number', 'checkbox', 'checklist', 'radio', 'select', 'taglist', 'datetime']);
const DISPLAY_TYPES = new Set(['text', 'html', 'spacer', 'separator', 'image', 'button', 'group']);

/** Parses a `.form` file's text; throws FORM_INVALID naming the file and component. */
export function parseFormFile(text: string, name: string): FormSchema {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AppError('FORM_INVALID', `form ${name} is not valid JSON: ${(error as Error).message}`);
  }
  return parseFormSchema(json, name);
}

/** Checks the structure of an already parsed schema. */
export function parseFormSchema(json: unknown, name: string): FormSchema {
  const schema = json as Partial<FormSchema> | null;
  if (!schema || typeof schema.id !== 'string' || !Array.isArray(schema.components)) {
    throw new AppError('FORM_INVALID', `form ${name} needs an "id" and a "components" array`);
  }
  const issues: FieldIssue[] = [];
  const keys = new Set<string>();
  for (const component of dataComponents(schema.components)) {
    const path = component.key ?? component.id ?? '?';
    if (!DATA_TYPES.has(component.type) && !DISPLAY_TYPES.has(component.type)) {
      issues.push({ path, reason: 'unknown-type', message: `component <${path}> has unknown type "${component.type}"` });
    } else if (DATA_TYPES.has(component.type)) {
      if (!component.key) issues.push({ path, reason: 'key', message: `component <${path}> has no key` });
      else if (keys.has(component.key)) issues.push({ path, reason: 'duplicate-key', message: `key <${component.key}> is used twice` });
      else keys.add(component.key);
    }
  }
  if (issues.length) throw new AppError('FORM_INVALID', `form ${name}: ${issues.map((i) => i.message).join('; ')}`, issues);
  return { id: schema.id, components: schema.components };
}

/** All components, groups flattened. */
export function dataComponents(components: readonly FormComponent[]): FormComponent[] {
  return components.flatMap((component) =>
    component.type === 'group' && component.components ? dataComponents(component.components) : [component],
  );
}
