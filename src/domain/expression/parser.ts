import type { AppError } from '../errors.js';
import {
  childrenOf,
  FORBIDDEN_PROPERTIES,
  type BinaryOperator,
  type LiteralValue,
  type Node,
} from './ast.js';
import { FUNCTIONS } from './functions.js';
import { invalid, tokenize, type Token } from './lexer.js';

/** Longest expression source accepted, in characters. */
export const MAX_LENGTH = 2000;
/** Deepest syntax tree (and deepest parser nesting) accepted. */
export const MAX_DEPTH = 50;

/** Binding strength of each binary operator; higher binds tighter. */
const PRECEDENCE: Readonly<Record<BinaryOperator, number>> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};
const ALIASES = new Map<string, BinaryOperator>([
  ['or', '||'],
  ['and', '&&'],
  ['===', '=='],
  ['!==', '!='],
]);
const LITERALS = new Map<string, LiteralValue>([
  ['true', true],
  ['false', false],
  ['null', null],
]);

/**
 * Parses an expression (the text between `${` and `}`) into a syntax tree.
 * Throws EXPRESSION_INVALID for syntax errors, unknown functions, wrong argument
 * counts, forbidden property names, and inputs over {@link MAX_LENGTH} or {@link MAX_DEPTH}.
 */
export function parse(source: string): Node {
  if (source.length > MAX_LENGTH)
    throw invalid(`${source.slice(0, 40)}…`, MAX_LENGTH, `longer than ${MAX_LENGTH} characters`);
  return new Parser(source, tokenize(source)).parseAll();
}

/** Precedence climbing over the token list; `nesting` bounds recursion, `depths` bounds the tree. */
class Parser {
  private index = 0;
  private nesting = 0;
  private readonly depths = new WeakMap<Node, number>();

  constructor(
    private readonly source: string,
    private readonly tokens: readonly Token[],
  ) {}

  parseAll(): Node {
    const node = this.expression();
    const rest = this.peek();
    if (rest.kind !== 'end') throw this.error(rest, `unexpected "${rest.value}"`);
    return node;
  }

  private expression(): Node {
    const start = this.enter();
    let node = this.binary(0);
    if (this.accept('?')) {
      const then = this.expression();
      this.expect(':');
      node = this.make({ type: 'conditional', test: node, then, otherwise: this.expression() }, start);
    }
    this.nesting--;
    return node;
  }

  private binary(minPrecedence: number): Node {
    let left = this.unary();
    for (;;) {
      const token = this.peek();
      const op = binaryOperator(token);
      if (op === undefined || PRECEDENCE[op] <= minPrecedence) return left;
      this.index++;
      const right = this.binary(PRECEDENCE[op]);
      left = this.make({ type: 'binary', op, left, right }, token);
    }
  }

  private unary(): Node {
    const token = this.peek();
    const negate =
      (token.kind === 'op' && token.value === '!') || (token.kind === 'keyword' && token.value === 'not');
    if (!negate && !(token.kind === 'op' && token.value === '-')) return this.postfix(this.primary());
    this.enter();
    this.index++;
    const operand = this.unary();
    this.nesting--;
    return this.make({ type: 'unary', op: negate ? '!' : '-', operand }, token);
  }

  private postfix(node: Node): Node {
    for (;;) {
      const token = this.peek();
      if (this.accept('.')) {
        const name = this.next();
        if (name.kind !== 'name' && name.kind !== 'keyword')
          throw this.error(name, 'property name expected after "."');
        node = this.make(
          { type: 'member', object: node, property: { type: 'literal', value: this.allowed(name) } },
          token,
        );
      } else if (this.accept('[')) {
        const property = this.expression();
        if (property.type === 'literal' && FORBIDDEN_PROPERTIES.has(String(property.value))) {
          throw this.error(token, `property "${String(property.value)}" is not allowed`);
        }
        this.expect(']');
        node = this.make({ type: 'member', object: node, property }, token);
      } else {
        return node;
      }
    }
  }

  private primary(): Node {
    const token = this.next();
    if (token.kind === 'number') return { type: 'literal', value: Number(token.value) };
    if (token.kind === 'string') return { type: 'literal', value: token.value };
    const literal = token.kind === 'keyword' ? LITERALS.get(token.value) : undefined;
    if (literal !== undefined) return { type: 'literal', value: literal };
    if (token.kind === 'name')
      return this.peek().value === '(' ? this.call(token) : { type: 'name', name: this.allowed(token) };
    if (token.kind === 'op' && token.value === '(') {
      const inner = this.expression();
      this.expect(')');
      return inner;
    }
    throw this.error(token, token.kind === 'end' ? 'unexpected end' : `unexpected "${token.value}"`);
  }

  private call(name: Token): Node {
    const fn = FUNCTIONS.get(name.value);
    if (fn === undefined) throw this.error(name, `unknown function "${name.value}"`);
    this.expect('(');
    const args: Node[] = [];
    if (!this.accept(')')) {
      do args.push(this.expression());
      while (this.accept(','));
      this.expect(')');
    }
    if (args.length !== fn.length)
      throw this.error(name, `${name.value}() takes ${fn.length} argument(s), got ${args.length}`);
    return this.make({ type: 'call', fn: name.value, args }, name);
  }

  private allowed(name: Token): string {
    if (FORBIDDEN_PROPERTIES.has(name.value)) throw this.error(name, `"${name.value}" is not allowed`);
    return name.value;
  }

  /** Records the node's depth and rejects trees deeper than MAX_DEPTH. */
  private make(node: Node, at: Token): Node {
    const depth = 1 + Math.max(0, ...childrenOf(node).map((child) => this.depths.get(child) ?? 1));
    if (depth > MAX_DEPTH) throw this.error(at, `nested deeper than ${MAX_DEPTH} levels`);
    this.depths.set(node, depth);
    return node;
  }

  private enter(): Token {
    const token = this.peek();
    if (++this.nesting > MAX_DEPTH) throw this.error(token, `nested deeper than ${MAX_DEPTH} levels`);
    return token;
  }

  private peek(): Token {
    return this.tokens[Math.min(this.index, this.tokens.length - 1)] as Token;
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
    if (!this.accept(op))
      throw this.error(
        token,
        token.kind === 'end' ? `unexpected end, "${op}" expected` : `"${op}" expected, got "${token.value}"`,
      );
  }

  private error(token: Token, problem: string): AppError {
    return invalid(this.source, token.pos, problem);
  }
}

function binaryOperator(token: Token): BinaryOperator | undefined {
  if (token.kind === 'keyword') return ALIASES.get(token.value);
  if (token.kind !== 'op') return undefined;
  return (
    ALIASES.get(token.value) ??
    (Object.hasOwn(PRECEDENCE, token.value) ? (token.value as BinaryOperator) : undefined)
  );
}
