import type { Node } from './ast.js';
import { FUNCTIONS } from './functions.js';

const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

/** Evaluates a tree over plain data. Only own properties are read; nothing can be called but FUNCTIONS. */
export function evaluate(node: Node, scope: Record<string, unknown>): unknown {
  switch (node.type) {
    case 'literal':
      return node.value;
    case 'name':
      return read(scope, node.name);
    case 'member':
      return read(evaluate(node.object, scope), evaluate(node.property, scope));
    case 'call':
      return (FUNCTIONS[node.fn] as (...args: unknown[]) => unknown)(...node.args.map((arg) => evaluate(arg, scope)));
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

function binary(op: string, leftNode: Node, rightNode: Node, scope: Record<string, unknown>): unknown {
  const left = evaluate(leftNode, scope);
  if (op === '&&') return left ? evaluate(rightNode, scope) : left;
  if (op === '||') return left ? left : evaluate(rightNode, scope);
  const right = evaluate(rightNode, scope);
  switch (op) {
    case '==':
      return left === right || (left == null && right == null);
    case '!=':
      return !(left === right || (left == null && right == null));
    case '<': case '<=': case '>': case '>=':
      return compare(op, left, right);
    case '+':
      return typeof left === 'string' || typeof right === 'string' ? `${text(left)}${text(right)}` : Number(left) + Number(right);
    case '-':
      return Number(left) - Number(right);
    case '*':
      return Number(left) * Number(right);
    case '/':
      return Number(left) / Number(right);
    default:
      return Number(left) % Number(right);
  }
}

function compare(op: string, left: unknown, right: unknown): boolean {
  const comparable = (typeof left === 'number' && typeof right === 'number') || (typeof left === 'string' && typeof right === 'string');
  if (!comparable) return false;
  const [a, b] = [left as number | string, right as number | string];
  return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
}

function read(target: unknown, key: unknown): unknown {
  if (target === null || typeof target !== 'object') return undefined;
  const name = String(key);
  if (FORBIDDEN.has(name) || !Object.prototype.hasOwnProperty.call(target, name)) return undefined;
  return (target as Record<string, unknown>)[name];
}

function text(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}
