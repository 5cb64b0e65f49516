import { MAX_LIST_ITEMS } from './data-shape.js';
import { checkFileRefs } from './file-refs.js';
import { matchOption } from './form-options.js';
import type { FormField } from './form-schema.js';
import { compilePattern } from './linear-pattern.js';
import { DEFAULT_MAX_LENGTH } from './parse-validation.js';
import { isDateTime, isDecimal, isEmail, isPhone } from './value-formats.js';

/** What one field's check found: the coerced value (undefined when absent) or its problems. */
export interface FieldCheck {
  readonly value?: unknown;
  readonly problems: readonly { readonly reason: string; readonly message: string }[];
}

const DATE_FORMATS = {
  date: 'a date (YYYY-MM-DD)',
  time: 'a time (HH:mm)',
  datetime: 'a date and time (YYYY-MM-DDTHH:mm)',
};

/**
 * Checks and coerces one submitted value (strings trimmed, numeric strings to numbers,
 * checkbox strings to booleans). An absent value takes the field's `defaultValue`;
 * an empty one ('', null, []) counts as absent. A checklist or taglist takes at most as many
 * entries as it offers options or MAX_LIST_ITEMS, whichever is more (`too-many`); repeated
 * choices count once.
 */
export function checkField(field: FormField, submitted: unknown): FieldCheck {
  const name = `"${field.label || field.key}"`;
  const raw = submitted === undefined ? field.defaultValue : submitted;
  const value = typeof raw === 'string' ? raw.trim() : raw;
  const required = field.validate.required === true;
  if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) {
    return required ? problem('required', `${name} is required`) : { problems: [] };
  }
  // Every text, whatever the field's type, is bounded before any check (or pattern) reads it.
  const maxLength = field.validate.maxLength ?? DEFAULT_MAX_LENGTH;
  if (typeof value === 'string' && value.length > maxLength)
    return problem('maxLength', `${name} must be at most ${maxLength} characters`);
  const coerced = coerce(field, value, name);
  if (coerced.problems.length > 0) return coerced;
  if (field.type === 'checkbox' && required && coerced.value !== true)
    return problem('required', `${name} must be checked`);
  if (field.type === 'number') return checkRange(field, coerced.value as number, name);
  if (field.type === 'textfield' || field.type === 'textarea') return checkText(field, value as string, name);
  return coerced;
}

function coerce(field: FormField, value: unknown, name: string): FieldCheck {
  switch (field.type) {
    case 'textfield':
    case 'textarea':
      return typeof value === 'string' ? { value, problems: [] } : problem('type', `${name} must be text`);
    case 'number': {
      const number = typeof value === 'string' && isDecimal(value) ? Number(value) : value;
      return typeof number === 'number' && Number.isFinite(number)
        ? { value: number, problems: [] }
        : problem('type', `${name} must be a number`);
    }
    case 'checkbox':
      if (value === true || value === 'true' || value === 'on') return { value: true, problems: [] };
      return value === false || value === 'false'
        ? { value: false, problems: [] }
        : problem('type', `${name} must be true or false`);
    case 'radio':
    case 'select': {
      const option = matchOption(field, value);
      return option === undefined
        ? problem('option', `${name} must be one of ${optionList(field)}`)
        : { value: option, problems: [] };
    }
    case 'checklist':
    case 'taglist': {
      if (!Array.isArray(value)) return problem('type', `${name} must be a list`);
      // Refused before any entry is read when longer than the options, or than a list takes
      // (MAX_LIST_ITEMS), whichever is more; repeated choices collapse into one.
      const most = Math.max(field.values?.length ?? 0, MAX_LIST_ITEMS);
      if (value.length > most) return problem('too-many', `${name} takes at most ${most} entries`);
      const matched = value.map((item) => matchOption(field, item));
      const wrong = value
        .filter((_, index) => matched[index] === undefined)
        .map((item) => JSON.stringify(item));
      if (wrong.length > 0)
        return problem('option', `${name} allows only ${optionList(field)}, not ${wrong.join(', ')}`);
      return { value: [...new Set(matched)], problems: [] };
    }
    case 'filepicker': {
      const files = checkFileRefs(field, value, name);
      return files.problem ? { problems: [files.problem] } : { value: files.value, problems: [] };
    }
    case 'datetime': {
      const subtype = field.subtype ?? 'date';
      return typeof value === 'string' && isDateTime(value, subtype)
        ? { value, problems: [] }
        : problem('type', `${name} must be ${DATE_FORMATS[subtype]}`);
    }
  }
}

function checkRange(field: FormField, value: number, name: string): FieldCheck {
  const { min, max } = field.validate;
  if (min !== undefined && value < min) return problem('min', `${name} must be at least ${min}`);
  if (max !== undefined && value > max) return problem('max', `${name} must be at most ${max}`);
  return { value, problems: [] };
}

function checkText(field: FormField, value: string, name: string): FieldCheck {
  // Over-long text was refused in checkField, so the pattern sees at most `maxLength` characters.
  const { minLength, validationType, pattern } = field.validate;
  const problems: { reason: string; message: string }[] = [];
  if (minLength !== undefined && value.length < minLength) {
    problems.push({ reason: 'minLength', message: `${name} must be at least ${minLength} characters` });
  }
  if (validationType === 'email' && !isEmail(value)) {
    problems.push({ reason: 'email', message: `${name} must be an email address like name@example.org` });
  }
  if (validationType === 'phone' && !isPhone(value)) {
    problems.push({
      reason: 'phone',
      message: `${name} must be a phone number: 7 to 20 digits, optionally with spaces, +, - and ()`,
    });
  }
  if (pattern !== undefined && !compilePattern(pattern).test(value)) {
    problems.push({ reason: 'pattern', message: `${name} does not have the expected format` });
  }
  return { value, problems };
}

function optionList(field: FormField): string {
  return (field.values ?? []).map((option) => JSON.stringify(option.value)).join(', ');
}

function problem(reason: string, message: string): FieldCheck {
  return { problems: [{ reason, message }] };
}
