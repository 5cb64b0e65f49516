import { AppError } from '../errors.js';

/** What a token is; keywords are `true false null and or not`. */
export type TokenKind = 'number' | 'string' | 'name' | 'keyword' | 'op' | 'end';

/** A lexical token; `value` is the decoded text (string tokens without quotes and escapes). */
export interface Token {
  readonly kind: TokenKind;
  readonly value: string;
  /** Zero-based offset of the token's first character in the source. */
  readonly pos: number;
}

const KEYWORDS: ReadonlySet<string> = new Set(['true', 'false', 'null', 'and', 'or', 'not']);
/** Longest first, so `===` wins over `==` and `<=` over `<`. */
const OPERATORS = '=== !== == != <= >= && || < > ! + - * / % ( ) [ ] . , ? :'.split(' ');
const NUMBER = /[0-9]+(?:\.[0-9]+)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const SPACE = /\s+/y;
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r' };

/** Splits an expression into tokens, ending with one `end` token; throws EXPRESSION_INVALID naming the position. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < source.length) {
    const ch = source.charAt(pos);
    const space = match(SPACE, source, pos);
    const number = match(NUMBER, source, pos);
    const name = match(NAME, source, pos);
    if (space) {
      pos += space.length;
    } else if (number) {
      tokens.push({ kind: 'number', value: number, pos });
      pos += number.length;
    } else if (name) {
      tokens.push({ kind: KEYWORDS.has(name) ? 'keyword' : 'name', value: name, pos });
      pos += name.length;
    } else if (ch === '"' || ch === "'") {
      const { value, end } = readString(source, pos);
      tokens.push({ kind: 'string', value, pos });
      pos = end;
    } else {
      const op = OPERATORS.find((candidate) => source.startsWith(candidate, pos));
      if (op === undefined)
        throw invalid(
          source,
          pos,
          ch === '=' ? 'assignment is not allowed (compare with "==")' : `unexpected character "${ch}"`,
        );
      tokens.push({ kind: 'op', value: op, pos });
      pos += op.length;
    }
  }
  tokens.push({ kind: 'end', value: '', pos: source.length });
  return tokens;
}

function match(pattern: RegExp, source: string, pos: number): string | undefined {
  pattern.lastIndex = pos;
  return pattern.exec(source)?.[0];
}

/** Reads a quoted string starting at `start`; `\n`, `\t`, `\r` are control characters, any other escaped character stands for itself. */
function readString(source: string, start: number): { value: string; end: number } {
  const quote = source.charAt(start);
  let value = '';
  for (let pos = start + 1; pos < source.length; pos++) {
    const ch = source.charAt(pos);
    if (ch === quote) return { value, end: pos + 1 };
    if (ch === '\\' && pos + 1 < source.length) {
      pos++;
      const escaped = source.charAt(pos);
      value += ESCAPES[escaped] ?? escaped;
    } else {
      value += ch;
    }
  }
  throw invalid(source, start, 'unterminated string');
}

/** The error every syntax problem raises: `expression "<source>" invalid at <pos>: <problem>`. */
export function invalid(source: string, pos: number, problem: string): AppError {
  return new AppError('EXPRESSION_INVALID', `expression "${source}" invalid at ${pos}: ${problem}`);
}
