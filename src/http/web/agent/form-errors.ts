import type { FieldIssue } from '../../../domain/errors.js';
import type { FormField } from '../../../domain/forms/index.js';

/** A validation message to show: an i18n key with its variables, or the validator's own text. */
export interface ErrorView {
  /** `agent.form.error.<reason>` when the reason is one the UI translates. */
  readonly key?: string;
  readonly message: string;
  readonly label?: string;
  readonly limit?: string | number;
}

/** Issue reasons with a UI string, and the validate rule each names as `{limit}`. */
const TRANSLATED: Readonly<Record<string, keyof FormField['validate'] | null>> = {
  required: null,
  type: null,
  option: null,
  min: 'min',
  max: 'max',
  minLength: 'minLength',
  maxLength: 'maxLength',
  email: null,
  phone: null,
  pattern: null,
  'too-costly': null,
  'unknown-field': null,
};

/** The messages of a field's issues (or, without a field, of issues no field shows). */
export function fieldErrors(issues: readonly FieldIssue[], field: FormField | undefined): ErrorView[] {
  return issues.map((issue) => {
    if (
      !Object.hasOwn(TRANSLATED, issue.reason) ||
      (field === undefined && issue.reason !== 'unknown-field')
    ) {
      return { message: issue.message };
    }
    const rule = TRANSLATED[issue.reason];
    const limit = rule && field ? field.validate[rule] : undefined;
    const key =
      issue.reason === 'required' && field?.type === 'checkbox'
        ? 'agent.form.error.mustCheck'
        : `agent.form.error.${issue.reason}`;
    return {
      key,
      message: issue.message,
      label: field?.label ?? field?.key ?? issue.path,
      ...(typeof limit === 'number' ? { limit } : {}),
    };
  });
}
