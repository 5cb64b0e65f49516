import type { Node, Scope } from './ast.js';
import { evaluate } from './evaluate.js';
import { toText } from './functions.js';
import { invalid } from './lexer.js';
import { parse } from './parser.js';

/** A parsed expression, ready to evaluate many times. */
export interface CompiledExpression {
  /** The expression text, trimmed, as it was parsed. */
  readonly source: string;
  readonly ast: Node;
  evaluate(scope: Scope): unknown;
}

/** Most compiled expressions kept; the least recently used one is dropped first. */
export const CACHE_LIMIT = 1000;
const cache = new Map<string, CompiledExpression>();

/**
 * Parses an expression (without `${ }`) once and caches it, so repeated conditions
 * cost one parse. Throws EXPRESSION_INVALID; failures are not cached.
 */
export function compileExpression(source: string): CompiledExpression {
  const key = source.trim();
  const cached = cache.get(key);
  if (cached !== undefined) {
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  const ast = parse(key);
  const compiled: CompiledExpression = Object.freeze({
    source: key,
    ast,
    evaluate: (scope: Scope) => evaluate(ast, scope),
  });
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(key, compiled);
  return compiled;
}

/**
 * Resolves `${ ... }` placeholders against `scope`:
 * - text that is exactly one placeholder (surrounding whitespace aside) yields the value with its type;
 * - text mixing placeholders with other text yields a string, each placeholder replaced by its value
 *   (`''` for null and undefined);
 * - text without `${` is returned unchanged.
 * A `}` inside a quoted string does not close a placeholder. Throws EXPRESSION_INVALID,
 * also for a `${` that is never closed.
 */
export function resolveTemplate(text: string, scope: Scope): unknown {
  if (!text.includes('${')) return text;
  const parts = splitTemplate(text);
  const expressions = parts.filter((part): part is Placeholder => typeof part !== 'string');
  const onlyOne =
    expressions.length === 1 && parts.every((part) => typeof part !== 'string' || part.trim() === '');
  if (onlyOne && expressions[0] !== undefined)
    return compileExpression(expressions[0].source).evaluate(scope);
  return parts
    .map((part) => (typeof part === 'string' ? part : toText(compileExpression(part.source).evaluate(scope))))
    .join('');
}

interface Placeholder {
  readonly source: string;
}

/** Literal text and placeholders in order. */
function splitTemplate(text: string): (string | Placeholder)[] {
  const parts: (string | Placeholder)[] = [];
  let pos = 0;
  for (let start = text.indexOf('${'); start !== -1; start = text.indexOf('${', pos)) {
    if (start > pos) parts.push(text.slice(pos, start));
    const end = closingBrace(text, start + 2);
    if (end === -1) throw invalid(text, start, 'unterminated "${", "}" expected');
    parts.push({ source: text.slice(start + 2, end) });
    pos = end + 1;
  }
  if (pos < text.length) parts.push(text.slice(pos));
  return parts;
}

/** Index of the `}` that closes a placeholder, skipping quoted strings; -1 if there is none. */
function closingBrace(text: string, from: number): number {
  let quote = '';
  for (let pos = from; pos < text.length; pos++) {
    const ch = text.charAt(pos);
    if (quote !== '') {
      if (ch === '\\') pos++;
      else if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '}') {
      return pos;
    }
  }
  return -1;
}
