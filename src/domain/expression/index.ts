export { compileExpression, resolveTemplate, type CompiledExpression } from './template.js';
export { parse } from './parser.js';
export { evaluate } from './evaluate.js';
