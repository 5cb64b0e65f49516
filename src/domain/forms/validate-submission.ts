import { AppError, type FieldIssue } from '../errors.js';
import { DATA_TYPES, dataComponents, type FormComponent, type FormSchema } from './form-schema.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_CHARS = /^[0-9 +\-()]+$/;
const MAX_TEXT = 10_000;

/** Validates submitted data against the form; returns the coerced values or lists every issue. */
export function validateSubmission(schema: FormSchema, data: unknown): Record<string, unknown> {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new AppError('VALIDATION_FAILED', `form <${schema.id}>: the data must be a JSON object`);
  }
  const input = data as Record<string, unknown>;
  const fields = dataComponents(schema.components).filter((c) => DATA_TYPES.has(c.type) && c.key && !c.readonly && !c.disabled);
  const issues: FieldIssue[] = [];
  const values: Record<string, unknown> = {};
  for (const field of fields) {
    const key = field.key as string;
    const result = checkField(field, input[key]);
    if (isIssue(result)) issues.push({ path: key, ...result.issue });
    else if (result !== undefined) values[key] = result;
  }
  const known = new Set(fields.map((f) => f.key));
  for (const key of Object.keys(input)) {
    if (!known.has(key)) issues.push({ path: key, reason: 'unknown-field', message: `<${key}> is not a field of this form` });
  }
  if (issues.length) {
    throw new AppError('VALIDATION_FAILED', `form <${schema.id}>: ${issues.length} field(s) invalid: ${issues.map((i) => i.path).join(', ')}`, issues);
  }
  return values;
}

type Check = unknown | { issue: { reason: string; message: string } };

function isIssue(check: Check): check is { issue: { reason: string; message: string } } {
  return typeof check === 'object' && check !== null && 'issue' in check;
}

function fail(reason: string, message: string): Check {
  return { issue: { reason, message } };
}

function checkField(field: FormComponent, raw: unknown): Check {
  const label = field.label ?? field.key;
  const value = typeof raw === 'string' ? raw.trim() : raw;
  const empty = value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
  if (empty || (field.type === 'checkbox' && value === false && field.validate?.required)) {
    return field.validate?.required ? fail('required', `${label} is required`) : field.type === 'checkbox' && value === false ? false : undefined;
  }
  switch (field.type) {
    case 'number':
      return checkNumber(field, value, label);
    case 'checkbox':
      return value === true || value === 'true' || value === 'on' ? true : value === false || value === 'false' ? false : fail('type', `${label} must be true or false`);
    case 'radio':
    case 'select':
      return field.values?.some((option) => option.value === value) ? value : fail('option', `${label} must be one of ${optionList(field)}`);
    case 'checklist':
    case 'taglist':
      return Array.isArray(value) && value.every((v) => field.values?.some((o) => o.value === v)) ? value : fail('option', `${label} must be a list of ${optionList(field)}`);
    case 'datetime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(field.subtype === 'time' ? `1970-01-01T${value}` : value)) ? value : fail('type', `${label} must be a ${field.subtype ?? 'date'}`);
    default:
      return checkText(field, value, label);
  }
}

function checkNumber(field: FormComponent, value: unknown, label: unknown): Check {
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) return fail('type', `${label} must be a number`);
  if (field.validate?.min !== undefined && number < field.validate.min) return fail('min', `${label} must be at least ${field.validate.min}`);
  if (field.validate?.max !== undefined && number > field.validate.max) return fail('max', `${label} must be at most ${field.validate.max}`);
  return number;
}

function checkText(field: FormComponent, value: unknown, label: unknown): Check {
  if (typeof value !== 'string') return fail('type', `${label} must be text`);
  const rules = field.validate ?? {};
  if (value.length > (rules.maxLength ?? MAX_TEXT)) return fail('maxLength', `${label} must be at most ${rules.maxLength ?? MAX_TEXT} characters`);
  if (rules.minLength !== undefined && value.length < rules.minLength) return fail('minLength', `${label} must be at least ${rules.minLength} characters`);
  if (rules.validationType === 'email' && !EMAIL.test(value)) return fail('email', `${label} must be an email address`);
  if (rules.validationType === 'phone' && !isPhone(value)) return fail('phone', `${label} must be a phone number`);
  if (rules.pattern && rules.pattern.length <= 500 && !new RegExp(`^(?:${rules.pattern})$`).test(value)) {
    return fail('pattern', `${label} has the wrong format`);
  }
  return value;
}

function isPhone(value: string): boolean {
  const digits = value.replace(/[^0-9]/g, '').length;
  return PHONE_CHARS.test(value) && digits >= 7 && digits <= 20;
}

function optionList(field: FormComponent): string {
  return (field.values ?? []).map((option) => JSON.stringify(option.value)).join(', ');
}
