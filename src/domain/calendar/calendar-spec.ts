import { AppError, type FieldIssue } from '../errors.js';
import type { HolidayType, Weekday } from './calendar-terms.js';
import { SpecChecker } from './spec-checks.js';

export { HOLIDAY_TYPES, WEEKDAYS, type HolidayType, type Weekday } from './calendar-terms.js';

/** An opening window in local wall-clock time, `["08:00", "20:00"]`; the end may be `"24:00"`. */
export type WindowSpec = readonly [start: string, end: string];

/** Where public holidays come from: a date-holidays country and optional region (its "state" code). */
export interface HolidaySource {
  readonly country: string;
  readonly region?: string | null;
  readonly types?: readonly HolidayType[];
}

/** Windows that replace the weekly ones on one local date (a one-off extension or shortened day). */
export interface DateWindows {
  readonly date: string;
  readonly windows: readonly WindowSpec[];
}

/**
 * A business calendar file (`config/calendars/<id>.json`). Optional fields are filled in by
 * {@link parseCalendarSpec}; see docs/adr/0005-business-calendars.md for the semantics.
 */
export interface CalendarSpec {
  readonly id: string;
  readonly name?: string;
  /** Where the hours come from (seed document), for people reading the file. */
  readonly source?: string;
  /** IANA zone the windows and dates are read in, e.g. `Europe/Rome`. */
  readonly timeZone: string;
  /** 24/7: every instant is business time, holidays and windows are ignored. */
  readonly alwaysOpen?: boolean;
  /** Opening windows per weekday, sorted and not overlapping; a missing day is closed. */
  readonly weekly?: Readonly<Partial<Record<Weekday, readonly WindowSpec[]>>>;
  /** Public holidays (whole local dates) the calendar closes on; null or absent: none. */
  readonly holidays?: HolidaySource | null;
  /** One-off closed local dates, `YYYY-MM-DD`. */
  readonly extraClosedDates?: readonly string[];
  /** Closed every year, `MM-DD` (e.g. a patron saint's day). */
  readonly recurringClosedDays?: readonly string[];
  /** Dates whose windows replace the weekly ones, even on a holiday or closed day. */
  readonly extraOpenWindows?: readonly DateWindows[];
}

/**
 * Validates a calendar file (pure). Throws CALENDAR_INVALID listing every issue: unknown keys,
 * bad zone, bad `HH:MM`, unsorted or overlapping windows, unknown weekday, bad dates.
 */
export function parseCalendarSpec(json: unknown, source: string): CalendarSpec {
  const check = new SpecChecker();
  const root = check.object(json, '$') ?? {};
  check.knownKeys(root, '$', KEYS);
  const id = check.id(root.id, 'id');
  const alwaysOpen = check.optionalBoolean(root.alwaysOpen, 'alwaysOpen') ?? false;
  const spec: CalendarSpec = {
    id,
    ...optional('name', check.optionalString(root.name, 'name')),
    ...optional('source', check.optionalString(root.source, 'source')),
    timeZone: check.timeZone(root.timeZone, 'timeZone'),
    alwaysOpen,
    weekly: check.weekly(root.weekly, 'weekly', !alwaysOpen),
    holidays: check.holidays(root.holidays, 'holidays'),
    extraClosedDates: check.list(root.extraClosedDates, 'extraClosedDates', (v, p) => check.date(v, p)),
    recurringClosedDays: check.list(root.recurringClosedDays, 'recurringClosedDays', (v, p) =>
      check.monthDay(v, p),
    ),
    extraOpenWindows: check.list(root.extraOpenWindows, 'extraOpenWindows', (v, p) =>
      check.dateWindows(v, p),
    ),
  };
  check.consistency(spec);
  if (check.issues.length) throw invalidSpec(id || source, source, check.issues);
  return spec;
}

const KEYS = [
  'id',
  'name',
  'source',
  'timeZone',
  'alwaysOpen',
  'weekly',
  'holidays',
  'extraClosedDates',
  'recurringClosedDays',
  'extraOpenWindows',
];

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function invalidSpec(id: string, source: string, issues: readonly FieldIssue[]): AppError {
  const where = id === source ? '' : ` (${source})`;
  return new AppError(
    'CALENDAR_INVALID',
    `calendar <${id}>${where}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    issues,
  );
}
