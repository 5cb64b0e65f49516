import type { FieldIssue } from '../errors.js';
import type { CalendarSpec, DateWindows, HolidaySource, WindowSpec } from './calendar-spec.js';
import { HOLIDAY_TYPES, WEEKDAYS, type HolidayType, type Weekday } from './calendar-terms.js';
import { isKnownZone, isMonthDay, minuteOfDay, parseLocalDate } from './local-time.js';

type Json = Record<string, unknown>;
const ID = /^[A-Za-z][\w-]*$/;
const COUNTRY = /^[A-Z]{2}$/;

/** Collects every issue of a calendar file while reading its fields (used by parseCalendarSpec). */
export class SpecChecker {
  readonly issues: FieldIssue[] = [];

  problem(path: string, message: string): void {
    this.issues.push({ path, reason: 'calendar', message });
  }

  object(value: unknown, path: string): Json | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
    this.problem(path, 'must be a JSON object');
    return undefined;
  }

  knownKeys(object: Json, path: string, keys: readonly string[]): void {
    for (const key of Object.keys(object))
      if (!keys.includes(key))
        this.problem(
          path === '$' ? key : `${path}.${key}`,
          `unknown key, expected one of ${keys.join(', ')}`,
        );
  }

  id(value: unknown, path: string): string {
    if (typeof value === 'string' && ID.test(value)) return value;
    this.problem(path, 'must be an id (letters, digits, "-", "_")');
    return '';
  }

  optionalString(value: unknown, path: string): string | undefined {
    if (value === undefined || (typeof value === 'string' && value)) return value;
    this.problem(path, 'must be a non-empty string');
    return undefined;
  }

  optionalBoolean(value: unknown, path: string): boolean | undefined {
    if (value === undefined || typeof value === 'boolean') return value;
    this.problem(path, 'must be true or false');
    return undefined;
  }

  timeZone(value: unknown, path: string): string {
    if (typeof value === 'string' && isKnownZone(value)) return value;
    this.problem(path, `"${String(value)}" is not an IANA time zone such as Europe/Rome`);
    return 'UTC';
  }

  /** An optional array whose items are checked one by one (invalid items are dropped). */
  list<T>(value: unknown, path: string, item: (value: unknown, path: string) => T | undefined): T[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.problem(path, 'must be an array');
      return [];
    }
    return value.map((v, i) => item(v, `${path}[${i}]`)).filter((v): v is T => v !== undefined);
  }

  date(value: unknown, path: string): string | undefined {
    if (typeof value === 'string' && parseLocalDate(value) !== undefined) return value;
    this.problem(path, `"${String(value)}" is not a date YYYY-MM-DD`);
    return undefined;
  }

  monthDay(value: unknown, path: string): string | undefined {
    if (typeof value === 'string' && isMonthDay(value)) return value;
    this.problem(path, `"${String(value)}" is not a day of the year MM-DD`);
    return undefined;
  }

  weekly(value: unknown, path: string, required: boolean): Partial<Record<Weekday, WindowSpec[]>> {
    if (value === undefined && !required) return {};
    const days = this.object(value, path) ?? {};
    this.knownKeys(days, path, WEEKDAYS);
    const weekly: Partial<Record<Weekday, WindowSpec[]>> = {};
    for (const day of WEEKDAYS) weekly[day] = this.windows(days[day] ?? [], `${path}.${day}`);
    return weekly;
  }

  /** Sorted, non-overlapping `[["HH:MM","HH:MM"], ...]`; touching windows are allowed. */
  windows(value: unknown, path: string): WindowSpec[] {
    let previousEnd = -1;
    return this.list(value, path, (item, itemPath) => {
      const window = this.window(item, itemPath);
      if (!window) return undefined;
      const [start, end] = window.map((t) => minuteOfDay(t)!);
      if (start! < previousEnd)
        this.problem(itemPath, 'overlaps or comes before the previous window (sort them)');
      previousEnd = Math.max(previousEnd, end!);
      return window;
    });
  }

  dateWindows(value: unknown, path: string): DateWindows | undefined {
    const entry = this.object(value, path);
    if (!entry) return undefined;
    this.knownKeys(entry, path, ['date', 'windows']);
    const date = this.date(entry.date, `${path}.date`);
    const windows = this.windows(entry.windows, `${path}.windows`);
    if (!Array.isArray(entry.windows)) return undefined;
    return date ? { date, windows } : undefined;
  }

  holidays(value: unknown, path: string): HolidaySource | null {
    if (value === undefined || value === null) return null;
    const source = this.object(value, path);
    if (!source) return null;
    this.knownKeys(source, path, ['country', 'region', 'types']);
    const country = typeof source.country === 'string' && COUNTRY.test(source.country) ? source.country : '';
    if (!country) this.problem(`${path}.country`, 'must be an ISO 3166 country code such as IT');
    const region = source.region ?? null;
    if (region !== null && (typeof region !== 'string' || !region))
      this.problem(`${path}.region`, 'must be a region code (date-holidays "state") or null');
    const types = this.list(source.types ?? ['public'], `${path}.types`, (t, p) => this.holidayType(t, p));
    return { country, region: typeof region === 'string' ? region : null, types };
  }

  /** Cross-field rules once every field has been read. */
  consistency(spec: CalendarSpec): void {
    const closed = new Set(spec.extraClosedDates);
    const seen = new Set<string>();
    spec.extraOpenWindows?.forEach(({ date }, i) => {
      if (closed.has(date))
        this.problem(`extraOpenWindows[${i}].date`, `${date} is also in extraClosedDates`);
      if (seen.has(date)) this.problem(`extraOpenWindows[${i}].date`, `${date} is listed twice`);
      seen.add(date);
    });
    const weeklyOpen = WEEKDAYS.some((day) => (spec.weekly?.[day]?.length ?? 0) > 0);
    const weeklyBroken = this.issues.some((issue) => issue.path.startsWith('weekly'));
    if (!spec.alwaysOpen && !weeklyOpen && !weeklyBroken && !spec.extraOpenWindows?.length)
      this.problem('weekly', 'the calendar never opens: give some windows, or set "alwaysOpen": true');
  }

  private window(value: unknown, path: string): WindowSpec | undefined {
    if (!Array.isArray(value) || value.length !== 2) {
      this.problem(path, 'must be a window ["HH:MM", "HH:MM"]');
      return undefined;
    }
    const [start, end] = value.map((t: unknown) => (typeof t === 'string' ? minuteOfDay(t) : undefined));
    if (start === undefined || end === undefined) {
      this.problem(path, `${JSON.stringify(value)} must be two times HH:MM between 00:00 and 24:00`);
      return undefined;
    }
    if (start >= end) {
      this.problem(
        path,
        `${JSON.stringify(value)} must start before it ends (windows cannot cross midnight)`,
      );
      return undefined;
    }
    return [value[0] as string, value[1] as string];
  }

  private holidayType(value: unknown, path: string): HolidayType | undefined {
    if (HOLIDAY_TYPES.includes(value as HolidayType)) return value as HolidayType;
    this.problem(path, `"${String(value)}" is not one of ${HOLIDAY_TYPES.join(', ')}`);
    return undefined;
  }
}
