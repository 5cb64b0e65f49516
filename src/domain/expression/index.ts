/** Safe expression language for BPMN conditions: parsed and interpreted over plain data, never run as code. */
export type { BinaryOperator, LiteralValue, Node as ExpressionNode, Scope, UnaryOperator } from './ast.js';
export { evaluate } from './evaluate.js';
export { MAX_DEPTH, MAX_LENGTH, parse } from './parser.js';
export { CACHE_LIMIT, compileExpression, resolveTemplate, type CompiledExpression } from './template.js';
