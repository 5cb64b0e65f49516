import type { InboxService } from '../../../app/inbox-service.js';
import { isAttachmentRef } from '../../../domain/forms/file-refs.js';
import { optionOf, type FormField, type FormSchema } from '../../../domain/forms/index.js';
import type { ProcedureCatalog } from '../../../domain/procedure.js';

/** Field names and option labels of a procedure's forms, for showing stored values as people wrote them. */
export interface FieldLabels {
  /** The field's label in the form that asks for it, if any form does. */
  label(key: string): string | undefined;
  /** A stored value as text: an option's label for a radio/select/checklist value, else the value itself. */
  value(key: string, value: unknown): string;
}

const MAX_TEXT = 300;
const MAX_FORMS = 100;

/** Labels from the given schemas; the first form that declares a key names it. */
export function fieldLabels(schemas: readonly FormSchema[]): FieldLabels {
  const fields = new Map<string, FormField>();
  for (const schema of schemas) {
    for (const [key, node] of schema.data) {
      if (node.kind === 'field' && !fields.has(key)) fields.set(key, node.field);
    }
  }
  return {
    label: (key) => fields.get(key)?.label || undefined,
    value: (key, value) => shown(fields.get(key), value),
  };
}

/** No forms: values shown as they are stored. */
export const NO_LABELS: FieldLabels = fieldLabels([]);

/**
 * The labels of a procedure version's start form and task forms. A form that cannot be read
 * (renamed, invalid) is skipped: its values then show as stored.
 */
export async function procedureFieldLabels(
  inbox: InboxService,
  catalog: ProcedureCatalog,
): Promise<FieldLabels> {
  const keys = [
    ...new Set(
      [catalog.startFormKey, ...Object.values(catalog.userTasks).map((task) => task.formKey)].filter(
        (key): key is string => typeof key === 'string' && key !== '',
      ),
    ),
  ].slice(0, MAX_FORMS);
  const schemas = await Promise.all(
    keys.map((key) =>
      inbox.form(key).then(
        (source) => source.schema,
        () => undefined,
      ),
    ),
  );
  return fieldLabels(schemas.filter((schema): schema is FormSchema => schema !== undefined));
}

function shown(field: FormField | undefined, value: unknown): string {
  if (Array.isArray(value)) return cut(value.map((item) => shown(field, item)).join(', '));
  const option = field ? optionOf(field, value) : undefined;
  if (option) return option.label;
  // A file of a filepicker (docs/adr/0032): its name and size, not its reference's JSON.
  if (isAttachmentRef(value)) return `${value.name} (${Math.max(1, Math.round(value.size / 1024))} KB)`;
  if (typeof value === 'object' && value !== null) return cut(JSON.stringify(value));
  return cut(String(value));
}

function cut(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}
