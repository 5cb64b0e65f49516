import type { DateTimeSubtype } from './form-schema.js';

const EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const PHONE = /^[0-9 +\-()]+$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,3})?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?$/;

/** A plain address such as `name@example.org`: dotted local part, a domain with at least one dot. */
export function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}

/** Digits, spaces, `+`, `-` and parentheses only, with 7 to 20 digits in all. */
export function isPhone(value: string): boolean {
  const digits = value.replace(/\D/g, '').length;
  return PHONE.test(value) && digits >= 7 && digits <= 20;
}

/** A plain decimal number as text, e.g. `12`, `-0.5`, `1e3`; never hex, `Infinity` or blank. */
export function isDecimal(value: string): boolean {
  return DECIMAL.test(value);
}

/**
 * An ISO 8601 value as the form-js datetime field writes it: `YYYY-MM-DD` (a real
 * calendar day), `HH:mm[:ss[.sss]]` with an optional `Z` or offset, or both joined by `T`.
 */
export function isDateTime(value: string, subtype: DateTimeSubtype): boolean {
  if (subtype === 'time') return TIME.test(value);
  const [date = '', time, ...rest] = subtype === 'datetime' ? value.split('T') : [value];
  if (subtype === 'datetime' && (time === undefined || rest.length > 0 || !TIME.test(time))) return false;
  const parts = DATE.exec(date);
  if (parts === null) return false;
  const [year, month, day] = parts.slice(1).map(Number) as [number, number, number];
  const parsed = new Date(Date.UTC(year, month - 1, day));
  return (
    parsed.getUTCFullYear() === year && parsed.getUTCMonth() === month - 1 && parsed.getUTCDate() === day
  );
}
