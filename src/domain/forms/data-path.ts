/**
 * Reading and writing form data by a field's dotted path (`a` or `a.b`). Paths come from parsed
 * forms, whose segments are already refused when they name a prototype property.
 */

/** Sets `value` at `path`, creating (or replacing non-object) intermediate objects. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  const last = parts.pop() as string;
  let node = target;
  for (const part of parts) {
    if (!isRecord(node[part])) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[last] = value;
}

/** The value at `path` (own properties only), or undefined. */
export function getPath(source: Readonly<Record<string, unknown>>, path: string): unknown {
  let node: unknown = source;
  for (const part of path.split('.')) {
    if (!isRecord(node) || !Object.hasOwn(node, part)) return undefined;
    node = node[part];
  }
  return node;
}

/** True for a plain object of form data (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
