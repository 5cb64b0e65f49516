import type { FieldValidation } from './form-schema.js';
import { compilePattern } from './linear-pattern.js';
import { requiredIfProblem, ruleExpression } from './required-if.js';

const MAX_PATTERN_LENGTH = 500;
/** Longest text accepted when the form sets no `maxLength`. */
export const DEFAULT_MAX_LENGTH = 10_000;
/**
 * Most matching steps one pattern check may take: RE2 program size × the field's length limit.
 * Measured at under ~200 ns a step in the worst case (a pattern that defeats RE2's DFA), so one
 * field checks in well under 50 ms; a costlier pattern must come with a lower `maxLength`.
 */
export const PATTERN_STEP_BUDGET = 250_000;

/** Records a problem with the component being parsed. */
export type Report = (reason: string, message: string) => void;

/** Checks a field's `validate` block, keeping only the rules that are well formed. */
export function parseValidation(validate: unknown, report: Report): FieldValidation {
  if (validate === undefined) return {};
  if (typeof validate !== 'object' || validate === null) {
    report('validate', '"validate" must be an object');
    return {};
  }
  const { required, requiredIf, minLength, maxLength, min, max, pattern, validationType } =
    validate as Record<string, unknown>;
  const bad = (rule: string, expected: string) => report('validate', `validate.${rule} must be ${expected}`);
  if (required !== undefined && typeof required !== 'boolean') bad('required', 'true or false');
  const ruleProblem = requiredIf === undefined ? undefined : requiredIfProblem(requiredIf);
  if (ruleProblem !== undefined) bad('requiredIf', ruleProblem);
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
  if (pattern !== undefined) {
    const limit = typeof maxLength === 'number' ? maxLength : DEFAULT_MAX_LENGTH;
    checkPattern(pattern, limit, bad);
  }
  return {
    required: required === true,
    ...(typeof requiredIf === 'string' &&
      ruleProblem === undefined && { requiredIf: ruleExpression(requiredIf) }),
    ...(typeof minLength === 'number' && { minLength }),
    ...(typeof maxLength === 'number' && { maxLength }),
    ...(typeof min === 'number' && { min }),
    ...(typeof max === 'number' && { max }),
    ...(typeof pattern === 'string' && pattern !== '' && { pattern }),
    ...((validationType === 'email' || validationType === 'phone') && { validationType }),
  };
}

/** A pattern must compile for the linear engine and fit the step budget for the field's length limit. */
function checkPattern(
  pattern: unknown,
  maxLength: number,
  bad: (rule: string, expected: string) => void,
): void {
  if (typeof pattern !== 'string') return bad('pattern', 'a string');
  if (pattern.length > MAX_PATTERN_LENGTH) return bad('pattern', `at most ${MAX_PATTERN_LENGTH} characters`);
  let programSize: number;
  try {
    programSize = compilePattern(pattern).programSize;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return bad('pattern', `a regular expression the linear-time engine accepts: it ${reason}`);
  }
  if (programSize * maxLength > PATTERN_STEP_BUDGET) {
    bad(
      'pattern',
      `cheap enough for values of up to ${maxLength} characters (program size ${programSize} × ${maxLength} > ${PATTERN_STEP_BUDGET} steps): set a lower validate.maxLength or simplify the pattern`,
    );
  }
}
