import { isAppError } from '../../../domain/errors.js';
import { parse } from '../../../domain/expression/index.js';

/** Longest condition text checked (the expression language itself stops at 2,000 characters). */
export const MAX_CONDITION_CHARS = 4000;

/** What the modeler shows under a condition field. */
export type ConditionCheck =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** What is wrong (English detail from the expression language). */
      readonly problem: string;
      /** `wrap` (not one `${ ... }`), `syntax` or `length`. */
      readonly reason: 'wrap' | 'syntax' | 'length';
      /** 0-based character offset in the text as typed. */
      readonly position: number;
    };

const WHOLE = /^(\s*\$\{)([\s\S]+)\}\s*$/;
const AT = /invalid at (\d+): ([\s\S]*)$/;

/**
 * Checks a sequence flow's (or conditional event's) condition as the deploy does
 * (parse-definition.ts): one `${ expression }` of the safe expression language. An empty text is
 * fine (no condition). Positions count from the start of the typed text.
 */
export function checkCondition(text: string): ConditionCheck {
  if (text.length > MAX_CONDITION_CHARS)
    return {
      ok: false,
      reason: 'length',
      problem: `longer than ${MAX_CONDITION_CHARS} characters`,
      position: 0,
    };
  if (!text.trim()) return { ok: true };
  const whole = WHOLE.exec(text);
  const inner = whole?.[2];
  if (!whole || inner === undefined || inner.includes('${')) {
    const position = Math.max(0, text.search(/\S/));
    return { ok: false, reason: 'wrap', problem: 'write the condition as one ${ ... }', position };
  }
  const offset = (whole[1] ?? '').length;
  const leading = inner.length - inner.trimStart().length;
  try {
    parse(inner.trim());
    return { ok: true };
  } catch (error) {
    if (!isAppError(error) || error.code !== 'EXPRESSION_INVALID') throw error;
    const found = AT.exec(error.message);
    const at = found ? Number(found[1]) : 0;
    return {
      ok: false,
      reason: 'syntax',
      problem: found?.[2] ?? error.message,
      position: Math.min(text.length, offset + leading + at),
    };
  }
}
