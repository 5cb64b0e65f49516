/** Operators a binary node may carry; `and`/`or`/`===`/`!==` are normalised to these. */
export type BinaryOperator =
  | '||'
  | '&&'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '+'
  | '-'
  | '*'
  | '/'
  | '%';

/** Operators a unary node may carry; `not` is normalised to `!`. */
export type UnaryOperator = '!' | '-';

/** Values an expression can spell out literally. */
export type LiteralValue = number | string | boolean | null;

/** Syntax tree of the expression language: plain, serialisable data. */
export type Node =
  | { readonly type: 'literal'; readonly value: LiteralValue }
  | { readonly type: 'name'; readonly name: string }
  | { readonly type: 'member'; readonly object: Node; readonly property: Node }
  | { readonly type: 'call'; readonly fn: string; readonly args: readonly Node[] }
  | { readonly type: 'unary'; readonly op: UnaryOperator; readonly operand: Node }
  | { readonly type: 'binary'; readonly op: BinaryOperator; readonly left: Node; readonly right: Node }
  | { readonly type: 'conditional'; readonly test: Node; readonly then: Node; readonly otherwise: Node };

/** Variables an expression reads; only own properties are visible. */
export type Scope = Readonly<Record<string, unknown>>;

/** Property names no expression may name or read, whatever the object. */
export const FORBIDDEN_PROPERTIES: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

/** The direct sub-trees of a node. */
export function childrenOf(node: Node): readonly Node[] {
  switch (node.type) {
    case 'literal':
    case 'name':
      return [];
    case 'member':
      return [node.object, node.property];
    case 'call':
      return node.args;
    case 'unary':
      return [node.operand];
    case 'binary':
      return [node.left, node.right];
    case 'conditional':
      return [node.test, node.then, node.otherwise];
  }
}
