/** Dates in message variables, written for people in the message's language. */

const ZONED_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DEPTH = 6;

/** Locale used for a message language (`en` reads day-month-year, as in the rest of the app). */
export function localeOf(language: string): string {
  return language === 'en' ? 'en-GB' : language;
}

/**
 * Copies `variables` with every Date, zoned ISO timestamp (`2030-03-04T07:14:00Z`, as dates come
 * back from the engine's JSON state) and ISO date (`2030-03-04`) replaced by readable text, e.g.
 * `4 de marzo de 2030 a las 08:14 CET`. Timestamps are shown in `timeZone`; plain dates as written.
 */
export function formatDates(
  variables: Record<string, unknown>,
  language: string,
  timeZone: string,
): Record<string, unknown> {
  const locale = localeOf(language);
  const timestamp = new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
    timeZone,
  });
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  const visit = (value: unknown, depth: number): unknown => {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : timestamp.format(value);
    if (typeof value === 'string') {
      if (ZONED_TIMESTAMP.test(value)) return formatValid(timestamp, `${value}`) ?? value;
      if (DATE_ONLY.test(value)) return formatValid(day, `${value}T00:00:00Z`) ?? value;
      return value;
    }
    if (depth >= MAX_DEPTH || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => visit(item, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, depth + 1)]));
  };
  return visit(variables, 0) as Record<string, unknown>;
}

function formatValid(format: Intl.DateTimeFormat, iso: string): string | undefined {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : format.format(date);
}
