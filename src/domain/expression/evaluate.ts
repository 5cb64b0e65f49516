import { AppError } from '../errors.js';
import { FORBIDDEN_PROPERTIES, type BinaryOperator, type Node, type Scope } from './ast.js';
import { FUNCTIONS, toText } from './functions.js';

/**
 * Evaluates a syntax tree over plain data. Names and members read own properties
 * only (never `__proto__`, `prototype`, `constructor`); reading through null or
 * undefined yields undefined; nothing can be called but the whitelisted functions.
 *
 * `==` is strict equality, except that null and undefined are equal to each other,
 * so a missing variable satisfies `x == null`. `<`, `<=`, `>`, `>=` hold only between
 * two numbers or two strings. `+` concatenates when either side is a string.
 * `&&`, `||` and `? :` short-circuit and yield operands, as in JavaScript.
 */
export function evaluate(node: Node, scope: Scope): unknown {
  switch (node.type) {
    case 'literal':
      return node.value;
    case 'name':
      return read(scope, node.name);
    case 'member':
      return read(evaluate(node.object, scope), evaluate(node.property, scope));
    case 'call': {
      const fn = FUNCTIONS.get(node.fn);
      if (fn === undefined) throw new AppError('EXPRESSION_INVALID', `unknown function "${node.fn}"`);
      return fn(...node.args.map((arg) => evaluate(arg, scope)));
    }
    case 'unary': {
      const value = evaluate(node.operand, scope);
      return node.op === '!' ? !value : -Number(value);
    }
    case 'conditional':
      return evaluate(node.test, scope) ? evaluate(node.then, scope) : evaluate(node.otherwise, scope);
    case 'binary':
      return binary(node.op, node.left, node.right, scope);
  }
}

function binary(op: BinaryOperator, leftNode: Node, rightNode: Node, scope: Scope): unknown {
  const left = evaluate(leftNode, scope);
  if (op === '&&') return left ? evaluate(rightNode, scope) : left;
  if (op === '||') return left ? left : evaluate(rightNode, scope);
  const right = evaluate(rightNode, scope);
  switch (op) {
    case '==':
      return equals(left, right);
    case '!=':
      return !equals(left, right);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compare(op, left, right);
    case '+':
      return typeof left === 'string' || typeof right === 'string'
        ? toText(left) + toText(right)
        : Number(left) + Number(right);
    case '-':
      return Number(left) - Number(right);
    case '*':
      return Number(left) * Number(right);
    case '/':
      return Number(left) / Number(right);
    case '%':
      return Number(left) % Number(right);
  }
}

function equals(left: unknown, right: unknown): boolean {
  return left === right || (left == null && right == null);
}

function compare(op: '<' | '<=' | '>' | '>=', left: unknown, right: unknown): boolean {
  if (typeof left === 'number' && typeof right === 'number') return order(op, left, right);
  if (typeof left === 'string' && typeof right === 'string') return order(op, left, right);
  return false;
}

function order<T extends number | string>(op: '<' | '<=' | '>' | '>=', left: T, right: T): boolean {
  switch (op) {
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
  }
}

/** Own, non-forbidden property of an object or array; undefined for anything else. */
function read(target: unknown, key: unknown): unknown {
  if (target === null || typeof target !== 'object') return undefined;
  const name = typeof key === 'number' ? String(key) : key;
  if (
    typeof name !== 'string' ||
    FORBIDDEN_PROPERTIES.has(name) ||
    !Object.prototype.hasOwnProperty.call(target, name)
  )
    return undefined;
  return (target as Record<string, unknown>)[name];
}
