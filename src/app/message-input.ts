import { AppError, type FieldIssue } from '../domain/errors.js';

/** Longest message or signal name (as in the catalog). */
export const MAX_NAME = 200;
/** Largest `variables` object, as JSON text. */
export const MAX_VARIABLES_BYTES = 64 * 1024;
/** Most top-level variables one delivery may set. */
export const MAX_VARIABLES = 100;

const VARIABLE = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;

/** A delivery as the API receives it, validated. */
export interface MessageInput {
  readonly name: string;
  readonly variables: Record<string, unknown>;
  readonly businessKey?: string;
  /** One process variable and the value the awaiting instance must hold in it. */
  readonly correlation?: { readonly variable: string; readonly value: string | number | boolean };
}

/**
 * Validates `{ name, variables?, businessKey?, correlation? }`: a name of 1–200 printable
 * characters, at most 100 variables named like identifiers in at most 64 KB of JSON, a business
 * key of at most 200 characters, a correlation of exactly one variable with a scalar value.
 * BAD_REQUEST lists every problem with its path.
 */
export function parseMessageInput(body: unknown, allowCorrelation: boolean): MessageInput {
  const issues: FieldIssue[] = [];
  const input = isPlainObject(body) ? body : {};
  if (!isPlainObject(body)) issues.push(problem('', 'type', 'the body must be a JSON object'));
  const name = input.name;
  if (!isName(name)) {
    issues.push(problem('name', 'format', `name must be 1 to ${MAX_NAME} printable characters`));
  }
  const variables = parseVariables(input.variables, issues);
  const businessKey = allowCorrelation ? parseBusinessKey(input.businessKey, issues) : undefined;
  const correlation = allowCorrelation ? parseCorrelation(input.correlation, issues) : undefined;
  for (const key of Object.keys(input)) {
    const known = ['name', 'variables', ...(allowCorrelation ? ['businessKey', 'correlation'] : [])];
    if (!known.includes(key)) issues.push(problem(key, 'unknown', `unknown property "${key.slice(0, 50)}"`));
  }
  if (issues.length) {
    throw new AppError('BAD_REQUEST', issues.map((i) => i.message).join('; '), issues);
  }
  return {
    name: name as string,
    variables,
    ...(businessKey !== undefined ? { businessKey } : {}),
    ...(correlation ? { correlation } : {}),
  };
}

function parseVariables(value: unknown, issues: FieldIssue[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) {
    issues.push(problem('variables', 'type', 'variables must be a JSON object'));
    return {};
  }
  const keys = Object.keys(value);
  if (keys.length > MAX_VARIABLES) {
    issues.push(problem('variables', 'size', `at most ${MAX_VARIABLES} variables`));
  }
  for (const key of keys.slice(0, MAX_VARIABLES + 1)) {
    if (!VARIABLE.test(key)) {
      issues.push(
        problem(`variables.${key.slice(0, 50)}`, 'format', 'variable names are letters, digits and _'),
      );
    }
  }
  if (Buffer.byteLength(JSON.stringify(value), 'utf8') > MAX_VARIABLES_BYTES) {
    issues.push(
      problem('variables', 'size', `variables must fit in ${MAX_VARIABLES_BYTES / 1024} KB of JSON`),
    );
  }
  return value;
}

function parseBusinessKey(value: unknown, issues: FieldIssue[]): string | undefined {
  if (value === undefined) return undefined;
  if (!isName(value)) {
    issues.push(problem('businessKey', 'format', 'businessKey must be a ticket number'));
    return undefined;
  }
  return value;
}

function parseCorrelation(value: unknown, issues: FieldIssue[]): MessageInput['correlation'] {
  if (value === undefined) return undefined;
  const entries = isPlainObject(value) ? Object.entries(value) : [];
  const [entry] = entries;
  const scalar = (v: unknown): v is string | number | boolean =>
    (typeof v === 'string' && v.length <= 1000) || typeof v === 'number' || typeof v === 'boolean';
  if (entries.length !== 1 || !entry || !VARIABLE.test(entry[0]) || !scalar(entry[1])) {
    issues.push(
      problem('correlation', 'format', 'correlation must be { "<variable>": <string, number or boolean> }'),
    );
    return undefined;
  }
  return { variable: entry[0], value: entry[1] };
}

/** 1–200 characters, none of them a control character. */
function isName(value: unknown): value is string {
  if (typeof value !== 'string' || value.length < 1 || value.length > MAX_NAME) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function problem(path: string, reason: string, message: string): FieldIssue {
  return { path, reason, message };
}
