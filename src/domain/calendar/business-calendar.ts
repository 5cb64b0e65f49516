import { parseCalendarSpec, type CalendarSpec } from './calendar-spec.js';
import { OpeningWindows } from './opening-windows.js';

/**
 * Opening hours of a help desk in its own time zone. Business time is the time spent inside
 * opening windows; all methods are pure (see docs/adr/0005-business-calendars.md).
 */
export interface BusinessCalendar {
  readonly id: string;
  /** IANA zone, e.g. Europe/Rome. */
  readonly timeZone: string;
  /** The validated spec it was built from (service-hours texts read it; docs/adr/0030). */
  readonly spec?: CalendarSpec;
  /** True when `at` is inside an opening window on a non-holiday. */
  isOpen(at: Date): boolean;
  /** `at` itself when open, else the start of the next opening window. */
  nextOpening(at: Date): Date;
  /** The instant reached after counting `ms` business milliseconds from `from` (ms >= 0; from may be outside hours: counting starts at next opening). */
  addBusinessTime(from: Date, ms: number): Date;
  /** Business milliseconds between two instants (0 when to <= from). */
  businessTimeBetween(from: Date, to: Date): number;
}

/** A holiday lookup by local calendar date `YYYY-MM-DD` in the calendar's zone. */
export type HolidayCheck = (localDate: string) => boolean;

/**
 * Builds a calendar from a spec (validated again here, so hand-written specs are safe too).
 * Closed dates are `isHoliday` plus the spec's own `extraClosedDates` and `recurringClosedDays`;
 * a date in `extraOpenWindows` is open with those windows even when it is closed otherwise.
 * An `alwaysOpen` calendar ignores holidays: business time is wall-clock time.
 */
export function buildCalendar(spec: CalendarSpec, isHoliday: HolidayCheck): BusinessCalendar {
  const valid = parseCalendarSpec(spec, spec.id);
  if (valid.alwaysOpen) return new AlwaysOpenCalendar(valid.id, valid.timeZone, valid);
  return new WindowedCalendar(valid, new OpeningWindows(valid, closedDates(valid, isHoliday)));
}

/** The spec's own closed days combined with the holiday lookup. */
export function closedDates(spec: CalendarSpec, isHoliday: HolidayCheck): HolidayCheck {
  const extra = new Set(spec.extraClosedDates ?? []);
  const recurring = new Set(spec.recurringClosedDays ?? []);
  return (date) => extra.has(date) || recurring.has(date.slice(5)) || isHoliday(date);
}

class AlwaysOpenCalendar implements BusinessCalendar {
  constructor(
    readonly id: string,
    readonly timeZone: string,
    readonly spec: CalendarSpec,
  ) {}

  isOpen(at: Date): boolean {
    instant(at);
    return true;
  }

  nextOpening(at: Date): Date {
    return new Date(instant(at));
  }

  addBusinessTime(from: Date, ms: number): Date {
    return new Date(instant(from) + duration(ms));
  }

  businessTimeBetween(from: Date, to: Date): number {
    return Math.max(0, instant(to) - instant(from));
  }
}

class WindowedCalendar implements BusinessCalendar {
  readonly id: string;
  readonly timeZone: string;

  constructor(
    readonly spec: CalendarSpec,
    private readonly windows: OpeningWindows,
  ) {
    this.id = spec.id;
    this.timeZone = spec.timeZone;
  }

  isOpen(at: Date): boolean {
    const time = instant(at);
    return this.nextOpeningAt(time) === time;
  }

  nextOpening(at: Date): Date {
    return new Date(this.nextOpeningAt(instant(at)));
  }

  addBusinessTime(from: Date, ms: number): Date {
    const start = instant(from);
    let remaining = duration(ms);
    for (const window of this.windows.after(start)) {
      const open = Math.max(window.start, start);
      if (remaining <= window.end - open) return new Date(open + remaining);
      remaining -= window.end - open;
    }
    throw new Error('unreachable: OpeningWindows.after() is endless or throws');
  }

  businessTimeBetween(from: Date, to: Date): number {
    const start = instant(from);
    const end = instant(to);
    let total = 0;
    if (end <= start) return 0;
    for (const window of this.windows.after(start, end)) {
      if (window.start >= end) break;
      total += Math.min(window.end, end) - Math.max(window.start, start);
    }
    return total;
  }

  private nextOpeningAt(time: number): number {
    for (const window of this.windows.after(time)) return Math.max(window.start, time);
    throw new Error('unreachable: OpeningWindows.after() is endless or throws');
  }
}

function instant(at: Date): number {
  const time = at.getTime();
  if (Number.isNaN(time)) throw new RangeError('calendar: invalid Date');
  return time;
}

function duration(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0)
    throw new RangeError(`calendar: business time must be >= 0 ms, got ${ms}`);
  return ms;
}
