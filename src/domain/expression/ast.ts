/** Syntax tree of the expression language. */
export type Node =
  | { readonly type: 'literal'; readonly value: unknown }
  | { readonly type: 'name'; readonly name: string }
  | { readonly type: 'member'; readonly object: Node; readonly property: Node }
  | { readonly type: 'call'; readonly fn: string; readonly args: readonly Node[] }
  | { readonly type: 'unary'; readonly op: string; readonly operand: Node }
  | { readonly type: 'binary'; readonly op: string; readonly left: Node; readonly right: Node }
  | { readonly type: 'conditional'; readonly test: Node; readonly then: Node; readonly otherwise: Node };
