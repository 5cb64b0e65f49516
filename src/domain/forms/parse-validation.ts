import type { FieldValidation } from './form-schema.js';
import { compilePattern } from './value-formats.js';

const MAX_PATTERN_LENGTH = 500;

/** Records a problem with the component being parsed. */
export type Report = (reason: string, message: string) => void;

/** Checks a field's `validate` block, keeping only the rules that are well formed. */
export function parseValidation(validate: unknown, report: Report): FieldValidation {
  if (validate === undefined) return {};
  if (typeof validate !== 'object' || validate === null) {
    report('validate', '"validate" must be an object');
    return {};
  }
  const { required, minLength, maxLength, min, max, pattern, validationType } = validate as Record<
    string,
    unknown
  >;
  const bad = (rule: string, expected: string) => report('validate', `validate.${rule} must be ${expected}`);
  if (required !== undefined && typeof required !== 'boolean') bad('required', 'true or false');
  for (const [rule, value] of Object.entries({ minLength, maxLength })) {
    if (value !== undefined && !(Number.isInteger(value) && (value as number) >= 0))
      bad(rule, 'a whole number ≥ 0');
  }
  for (const [rule, value] of Object.entries({ min, max })) {
    if (value !== undefined && !Number.isFinite(value)) bad(rule, 'a number');
  }
  if (
    validationType !== undefined &&
    validationType !== '' &&
    validationType !== 'email' &&
    validationType !== 'phone'
  ) {
    bad('validationType', '"email" or "phone"');
  }
  if (pattern !== undefined) checkPattern(pattern, bad);
  return {
    required: required === true,
    ...(typeof minLength === 'number' && { minLength }),
    ...(typeof maxLength === 'number' && { maxLength }),
    ...(typeof min === 'number' && { min }),
    ...(typeof max === 'number' && { max }),
    ...(typeof pattern === 'string' && pattern !== '' && { pattern }),
    ...((validationType === 'email' || validationType === 'phone') && { validationType }),
  };
}

function checkPattern(pattern: unknown, bad: (rule: string, expected: string) => void): void {
  if (typeof pattern !== 'string') return bad('pattern', 'a string');
  if (pattern.length > MAX_PATTERN_LENGTH) return bad('pattern', `at most ${MAX_PATTERN_LENGTH} characters`);
  try {
    compilePattern(pattern);
  } catch (error) {
    bad('pattern', `a valid regular expression (${error instanceof Error ? error.message : String(error)})`);
  }
}
