import type { FormField } from './form-schema.js';
import { compilePattern } from './linear-pattern.js';
import { DEFAULT_MAX_LENGTH, PATTERN_STEP_BUDGET } from './parse-validation.js';

/**
 * Most matching steps the `validate.pattern` checks of one submission may take together: four
 * fields at the per-field budget, measured at about 90 ms in the worst case (a pattern that defeats
 * RE2's DFA, ~90 ns a step). Each field fits PATTERN_STEP_BUDGET on its own, but without a total a
 * form of many such fields (or one in a dynamic list) held the server's thread for seconds on every
 * post. Counted on the values actually posted, so forms are never refused for it and everyday
 * values (a few characters each) come nowhere near it.
 */
export const FORM_PATTERN_STEP_BUDGET = 4 * PATTERN_STEP_BUDGET;

/**
 * The steps the pattern check of `submitted` in `field` costs at most: program size × the value's
 * length. 0 without a pattern, for a value that is not text, or for text over the field's
 * maxLength (refused before its pattern runs).
 */
export function patternSteps(field: FormField, submitted: unknown): number {
  const { pattern, maxLength = DEFAULT_MAX_LENGTH } = field.validate;
  if (pattern === undefined || typeof submitted !== 'string') return 0;
  const length = submitted.trim().length;
  return length > maxLength ? 0 : compilePattern(pattern).programSize * length;
}
