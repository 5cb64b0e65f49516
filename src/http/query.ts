import type { Request } from 'express';

/** `{ [key]: value }` when the query parameter is a non-empty string, else `{}`. */
export function optionalString<K extends string>(
  query: Request['query'],
  key: K,
): Partial<Record<K, string>> {
  const value = query[key];
  return typeof value === 'string' && value ? ({ [key]: value } as Record<K, string>) : {};
}
