import { RE2JS } from 're2js';

/**
 * Form `validate.pattern`s run on RE2 (the `re2js` port): matching time is linear in the
 * value's length times the pattern's program size, whatever the pattern and the input, so a
 * pattern cannot stall a request by backtracking (ReDoS). RE2 has no backreferences and no
 * lookaround; such patterns are refused with a clear reason when the form is loaded.
 * See docs/adr/0012-linear-regex-and-mail-policy.md.
 */

/** A compiled pattern that must match a whole value, as the HTML `pattern` attribute does. */
export interface LinearPattern {
  readonly source: string;
  /** RE2's instruction count: matching costs at most about this many steps per character. */
  readonly programSize: number;
  test(value: string): boolean;
}

/** Why a pattern cannot be used (a JavaScript-only construct, or invalid RE2 syntax). */
export class PatternError extends Error {}

const CACHE_LIMIT = 500;
const cache = new Map<string, LinearPattern>();

/**
 * Compiles `pattern` (JavaScript regular-expression syntax without flags) for the linear engine,
 * anchored to the whole value; cached. `\uXXXX` and `\u{X}` escapes are translated to RE2's
 * `\x{X}`. Throws PatternError naming the unsupported construct or the syntax problem.
 */
export function compilePattern(pattern: string): LinearPattern {
  const cached = cache.get(pattern);
  if (cached) return cached;
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(`^(?:${toRe2Syntax(pattern)})$`);
  } catch (error) {
    throw new PatternError(`is not valid (${error instanceof Error ? error.message : String(error)})`);
  }
  const linear: LinearPattern = {
    source: pattern,
    programSize: compiled.programSize(),
    test: (value) => compiled.testExact(value),
  };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(pattern, linear);
  return linear;
}

const LOOKAROUND: Readonly<Record<string, string>> = {
  '(?=': 'a lookahead (?=…)',
  '(?!': 'a negative lookahead (?!…)',
  '(?<=': 'a lookbehind (?<=…)',
  '(?<!': 'a negative lookbehind (?<!…)',
};

/** Rewrites JavaScript-only escapes; throws PatternError for constructs RE2 cannot run in linear time. */
function toRe2Syntax(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] as string;
    if (char === '\\') {
      const [text, length] = escapeAt(pattern, i, inClass);
      out += text;
      i += length - 1;
      continue;
    }
    if (char === '[' && !inClass) inClass = true;
    else if (char === ']' && inClass) inClass = false;
    else if (char === '(' && !inClass) {
      const construct = Object.keys(LOOKAROUND).find((start) => pattern.startsWith(start, i));
      if (construct !== undefined) throw unsupported(LOOKAROUND[construct] as string);
    }
    out += char;
  }
  return out;
}

/** The RE2 text for the escape at `i` and how many characters of `pattern` it used. */
function escapeAt(pattern: string, i: number, inClass: boolean): [string, number] {
  const next = pattern[i + 1] ?? '';
  if (!inClass && /^[1-9]$/.test(next)) throw unsupported(`a backreference \\${next}`);
  if (next === 'k' && pattern[i + 2] === '<') throw unsupported('a named backreference \\k<…>');
  if (next === 'u') {
    const fixed = /^[0-9A-Fa-f]{4}/.exec(pattern.slice(i + 2, i + 6));
    if (fixed) return [`\\x{${fixed[0]}}`, 6];
    const braced = /^\{([0-9A-Fa-f]{1,6})\}/.exec(pattern.slice(i + 2, i + 10));
    if (braced) return [`\\x{${braced[1]}}`, 2 + braced[0].length];
  }
  return [`\\${next}`, 2];
}

function unsupported(construct: string): PatternError {
  return new PatternError(
    `uses ${construct}, which the linear-time regular expression engine (RE2) does not support`,
  );
}
