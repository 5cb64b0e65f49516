import { AppError } from '../errors.js';
import type { CalendarSpec, WindowSpec } from './calendar-spec.js';
import { WEEKDAYS } from './calendar-terms.js';
import { formatLocalDate, minuteOfDay, weekdayIndex, ZoneClock, type EpochDay } from './local-time.js';

/** An opening window as instants (epoch ms), half-open: [start, end). */
export interface OpenWindow {
  readonly start: number;
  readonly end: number;
}

/** How many consecutive days without any opening a forward search accepts before giving up. */
export const MAX_CLOSED_DAYS = 3 * 366;

type Minutes = readonly (readonly [number, number])[];

/** A local date's first instant and its windows. */
interface DayPlan {
  readonly start: number;
  readonly windows: readonly OpenWindow[];
}

/** Days memoised per calendar (zone lookups cost ~10 µs each); cleared when full. */
const MAX_CACHED_DAYS = 4096;

/**
 * The opening windows of a (not always-open) calendar, computed one local day at a time:
 * a date listed in `extraOpenWindows` uses those windows; otherwise a closed date (holiday,
 * extra or recurring closed day) has none; otherwise the weekday's windows apply.
 */
export class OpeningWindows {
  private readonly clock: ZoneClock;
  private readonly weekly: readonly Minutes[];
  private readonly byDate: ReadonlyMap<string, Minutes>;
  private readonly cache = new Map<EpochDay, DayPlan>();

  constructor(
    private readonly spec: CalendarSpec,
    private readonly isClosed: (localDate: string) => boolean,
  ) {
    this.clock = new ZoneClock(spec.timeZone);
    this.weekly = WEEKDAYS.map((day) => toMinutes(spec.weekly?.[day] ?? []));
    this.byDate = new Map(
      (spec.extraOpenWindows ?? []).map((entry) => [entry.date, toMinutes(entry.windows)]),
    );
  }

  /** Windows of one local date as instants; windows emptied by a DST jump are dropped. */
  on(day: EpochDay): readonly OpenWindow[] {
    return this.plan(day).windows;
  }

  /**
   * Windows that end after `from`, in order, day by day. With `until`, stops at the first day
   * starting at or after it; without, throws CALENDAR_INVALID after {@link MAX_CLOSED_DAYS}
   * days in a row without an opening (a calendar that never opens).
   */
  *after(from: number, until?: number): Generator<OpenWindow> {
    let closedDays = 0;
    // The previous local day too: its last window may end after midnight's first instant.
    for (let day = this.clock.localDay(from) - 1; ; day++) {
      const plan = this.plan(day);
      if (until !== undefined && plan.start >= until) return;
      const windows = plan.windows.filter((window) => window.end > from);
      closedDays = windows.length ? 0 : closedDays + 1;
      if (until === undefined && closedDays > MAX_CLOSED_DAYS) throw neverOpens(this.spec.id, from);
      yield* windows;
    }
  }

  private plan(day: EpochDay): DayPlan {
    let plan = this.cache.get(day);
    if (plan) return plan;
    const date = formatLocalDate(day);
    const minutes = this.byDate.get(date) ?? (this.isClosed(date) ? [] : this.weekly[weekdayIndex(day)]!);
    const windows = minutes
      .map(([start, end]) => ({
        start: this.clock.instantAt(day, start),
        end: this.clock.instantAt(day, end),
      }))
      .filter((window) => window.end > window.start);
    plan = { start: this.clock.instantAt(day, 0), windows };
    if (this.cache.size >= MAX_CACHED_DAYS) this.cache.clear();
    this.cache.set(day, plan);
    return plan;
  }
}

function toMinutes(windows: readonly WindowSpec[]): Minutes {
  return windows.map(([start, end]) => [minuteOfDay(start) ?? 0, minuteOfDay(end) ?? 0] as const);
}

function neverOpens(id: string, from: number): AppError {
  const message = `calendar <${id}> has no opening window in the ${MAX_CLOSED_DAYS} days after ${new Date(from).toISOString()}`;
  return new AppError('CALENDAR_INVALID', message, [{ path: id, reason: 'calendar-never-opens', message }]);
}
