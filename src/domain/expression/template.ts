import type { Node } from './ast.js';
import { evaluate } from './evaluate.js';
import { parse } from './parser.js';

const CACHE_LIMIT = 1000;
const cache = new Map<string, Node>();
const WHOLE = /^\$\{([\s\S]+)\}$/;
const PLACEHOLDER = /\$\{([^}]+)\}/g;

/** A parsed expression, ready to evaluate many times. */
export interface CompiledExpression {
  evaluate(scope: Record<string, unknown>): unknown;
}

/** Parses once and caches (bounded), so repeated conditions cost one parse. */
export function compileExpression(source: string): CompiledExpression {
  let node = cache.get(source);
  if (!node) {
    node = parse(source);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(source, node);
  }
  const compiled = node;
  return { evaluate: (scope) => evaluate(compiled, scope) };
}

/**
 * Resolves `${ ... }` placeholders: a text that is one placeholder yields the typed
 * value; mixed text yields a string; text without placeholders is returned as is.
 */
export function resolveTemplate(text: string, scope: Record<string, unknown>): unknown {
  const whole = WHOLE.exec(text.trim());
  if (whole && !whole[1]?.includes('${')) return compileExpression(whole[1] as string).evaluate(scope);
  if (!text.includes('${')) return text;
  return text.replace(PLACEHOLDER, (_match, source: string) => {
    const value = compileExpression(source).evaluate(scope);
    return value === null || value === undefined ? '' : String(value);
  });
}
