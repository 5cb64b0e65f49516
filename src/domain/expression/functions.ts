/**
 * The only functions an expression may call, by bare name: pure, over plain data,
 * never throwing. The parser checks the name and the argument count (`fn.length`).
 */
export const FUNCTIONS: ReadonlyMap<string, (...args: unknown[]) => unknown> = new Map<
  string,
  (...args: unknown[]) => unknown
>([
  ['isEmpty', (value: unknown) => isEmpty(value)],
  ['contains', (haystack: unknown, needle: unknown) => contains(haystack, needle)],
  ['lower', (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value)],
  ['upper', (value: unknown) => (typeof value === 'string' ? value.toUpperCase() : value)],
  ['length', (value: unknown) => lengthOf(value)],
  ['number', (value: unknown) => Number(value)],
  ['string', (value: unknown) => toText(value)],
]);

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

function contains(haystack: unknown, needle: unknown): boolean {
  if (typeof haystack === 'string') return haystack.includes(toText(needle));
  return Array.isArray(haystack) && haystack.includes(needle);
}

/** Characters of a string, items of an array, keys of an object; 0 for anything else. */
function lengthOf(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  return value !== null && typeof value === 'object' ? Object.keys(value).length : 0;
}

/** `String(value)`, except that null and undefined become `''`. */
export function toText(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}
