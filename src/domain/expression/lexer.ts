import { AppError } from '../errors.js';

/** A lexical token of the expression language. */
export interface Token {
  readonly kind: 'number' | 'string' | 'name' | 'op' | 'end';
  readonly value: string;
  readonly pos: number;
}

const OPERATORS = ['===', '!==', '==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '+', '-', '*', '/', '%', '(', ')', '[', ']', '.', ',', '?', ':'];

/** Splits an expression into tokens; throws EXPRESSION_INVALID naming the position. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (/[0-9]/.test(ch)) {
      const match = /^[0-9]+(\.[0-9]+)?/.exec(source.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'number', value: match[0], pos: i });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'name', value: match[0], pos: i });
      i += match[0].length;
    } else if (ch === '"' || ch === "'") {
      const { value, next } = readString(source, i);
      tokens.push({ kind: 'string', value, pos: i });
      i = next;
    } else {
      const op = OPERATORS.find((candidate) => source.startsWith(candidate, i));
      if (!op) throw invalid(source, i, `unexpected character "${ch}"`);
      tokens.push({ kind: 'op', value: op, pos: i });
      i += op.length;
    }
  }
  tokens.push({ kind: 'end', value: '', pos: source.length });
  return tokens;
}

function readString(source: string, start: number): { value: string; next: number } {
  const quote = source[start];
  let value = '';
  for (let i = start + 1; i < source.length; i++) {
    const ch = source[i] as string;
    if (ch === quote) return { value, next: i + 1 };
    if (ch === '\\' && i + 1 < source.length) {
      const escaped = source[++i] as string;
      value += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped;
    } else {
      value += ch;
    }
  }
  throw invalid(source, start, 'unterminated string');
}

/** The error every syntax problem raises. */
export function invalid(source: string, pos: number, problem: string): AppError {
  return new AppError('EXPRESSION_INVALID', `expression "${source}" invalid at ${pos}: ${problem}`);
}
