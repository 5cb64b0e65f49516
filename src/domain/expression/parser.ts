import type { Node } from './ast.js';
import { FUNCTIONS } from './functions.js';
import { invalid, tokenize, type Token } from './lexer.js';

const MAX_LENGTH = 2000;
const MAX_DEPTH = 50;
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);
const BINARY: Record<string, number> = {
  '||': 1, or: 1, '&&': 2, and: 2,
  '==': 3, '!=': 3, '===': 3, '!==': 3,
  '<': 4, '<=': 4, '>': 4, '>=': 4,
  '+': 5, '-': 5, '*': 6, '/': 6, '%': 6,
};
const KEYWORDS: Record<string, unknown> = { true: true, false: false, null: null };

/** Parses an expression (the text between `${` and `}`) into a tree; throws EXPRESSION_INVALID. */
export function parse(source: string): Node {
  if (source.length > MAX_LENGTH) throw invalid(source.slice(0, 40) + '…', 0, `longer than ${MAX_LENGTH} characters`);
  const parser = new Parser(source, tokenize(source));
  const node = parser.expression(0);
  parser.expectEnd();
  return node;
}

class Parser {
  private index = 0;
  constructor(private readonly source: string, private readonly tokens: Token[]) {}

  expression(depth: number): Node {
    if (depth > MAX_DEPTH) throw invalid(this.source, this.peek().pos, `nested deeper than ${MAX_DEPTH}`);
    const test = this.binary(0, depth + 1);
    if (!this.accept('?')) return test;
    const then = this.expression(depth + 1);
    this.expect(':');
    return { type: 'conditional', test, then, otherwise: this.expression(depth + 1) };
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') throw invalid(this.source, token.pos, `unexpected "${token.value}"`);
  }

  private binary(minPrecedence: number, depth: number): Node {
    let left = this.unary(depth);
    for (;;) {
      const token = this.peek();
      const precedence = token.kind === 'op' || token.kind === 'name' ? BINARY[token.value] : undefined;
      if (precedence === undefined || precedence <= minPrecedence) return left;
      this.index++;
      const right = this.binary(precedence, depth + 1);
      left = { type: 'binary', op: normalize(token.value), left, right };
    }
  }

  private unary(depth: number): Node {
    const token = this.peek();
    if (token.value === '!' || token.value === 'not' || (token.kind === 'op' && token.value === '-')) {
      this.index++;
      return { type: 'unary', op: token.value === '-' ? '-' : '!', operand: this.unary(depth + 1) };
    }
    return this.postfix(this.primary(depth), depth);
  }

  private postfix(node: Node, depth: number): Node {
    for (;;) {
      if (this.accept('.')) {
        const name = this.next();
        if (name.kind !== 'name') throw invalid(this.source, name.pos, 'property name expected after "."');
        node = { type: 'member', object: node, property: { type: 'literal', value: this.safeName(name) } };
      } else if (this.accept('[')) {
        node = { type: 'member', object: node, property: this.expression(depth + 1) };
        this.expect(']');
      } else {
        return node;
      }
    }
  }

  private primary(depth: number): Node {
    const token = this.next();
    if (token.kind === 'number') return { type: 'literal', value: Number(token.value) };
    if (token.kind === 'string') return { type: 'literal', value: this.checkString(token) };
    if (token.kind === 'op' && token.value === '(') {
      const inner = this.expression(depth + 1);
      this.expect(')');
      return inner;
    }
    if (token.kind === 'name') {
      if (token.value in KEYWORDS) return { type: 'literal', value: KEYWORDS[token.value] };
      if (this.peek().value === '(') return this.call(token, depth);
      return { type: 'name', name: this.safeName(token) };
    }
    throw invalid(this.source, token.pos, token.kind === 'end' ? 'unexpected end' : `unexpected "${token.value}"`);
  }

  private call(token: Token, depth: number): Node {
    if (!Object.hasOwn(FUNCTIONS, token.value)) throw invalid(this.source, token.pos, `unknown function "${token.value}"`);
    this.expect('(');
    const args: Node[] = [];
    if (!this.accept(')')) {
      do args.push(this.expression(depth + 1));
      while (this.accept(','));
      this.expect(')');
    }
    return { type: 'call', fn: token.value, args };
  }

  private safeName(token: Token): string {
    if (FORBIDDEN.has(token.value)) throw invalid(this.source, token.pos, `"${token.value}" is not allowed`);
    return token.value;
  }

  private checkString(token: Token): string {
    if (FORBIDDEN.has(token.value)) throw invalid(this.source, token.pos, `"${token.value}" is not allowed`);
    return token.value;
  }

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private accept(op: string): boolean {
    const token = this.peek();
    if (token.kind !== 'op' || token.value !== op) return false;
    this.index++;
    return true;
  }

  private expect(op: string): void {
    const token = this.peek();
    if (!this.accept(op)) throw invalid(this.source, token.pos, token.kind === 'end' ? `unexpected end, "${op}" expected` : `"${op}" expected`);
  }
}

function normalize(op: string): string {
  if (op === 'or') return '||';
  if (op === 'and') return '&&';
  if (op === '===') return '==';
  if (op === '!==') return '!=';
  return op;
}
