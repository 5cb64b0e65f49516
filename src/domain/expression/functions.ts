/** The only functions an expression may call: pure, over plain data. */
export const FUNCTIONS: Readonly<Record<string, (...args: unknown[]) => unknown>> = Object.freeze({
  isEmpty: (value: unknown) =>
    value === null || value === undefined || value === '' ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0),
  contains: (haystack: unknown, needle: unknown) =>
    typeof haystack === 'string' ? haystack.includes(String(needle)) : Array.isArray(haystack) ? haystack.includes(needle) : false,
  lower: (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value),
  upper: (value: unknown) => (typeof value === 'string' ? value.toUpperCase() : value),
  length: (value: unknown) => (typeof value === 'string' || Array.isArray(value) ? value.length : 0),
  number: (value: unknown) => Number(value),
  string: (value: unknown) => (value === null || value === undefined ? '' : String(value)),
});
