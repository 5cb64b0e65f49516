import { IANAZone } from 'luxon';

/**
 * Local-time maths for calendars. A local date is an "epoch day": days since 1970-01-01 counted
 * on the calendar's wall clock, so adding days and finding the weekday never touch a zone.
 */
export type EpochDay = number;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const HH_MM = /^(\d{2}):(\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_DAY = /^(\d{2})-(\d{2})$/;

/** Minutes since local midnight for `HH:MM` (00:00 to 24:00), or undefined when malformed. */
export function minuteOfDay(text: string): number | undefined {
  const match = HH_MM.exec(text);
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) return undefined;
  return hours * 60 + minutes;
}

/** The epoch day of a real calendar date `YYYY-MM-DD`, or undefined (e.g. for 2026-02-30). */
export function parseLocalDate(text: string): EpochDay | undefined {
  const match = DATE.exec(text);
  if (!match) return undefined;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const day = ms / DAY_MS;
  return formatLocalDate(day) === text ? day : undefined;
}

/** True for a day that exists in some year, `MM-DD` (02-29 included). */
export function isMonthDay(text: string): boolean {
  const match = MONTH_DAY.exec(text);
  return match !== null && parseLocalDate(`2024-${match[1]}-${match[2]}`) !== undefined;
}

/** `YYYY-MM-DD` of an epoch day. */
export function formatLocalDate(day: EpochDay): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 for Monday ... 6 for Sunday (1970-01-01 was a Thursday). */
export function weekdayIndex(day: EpochDay): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** True when luxon (Intl) knows the IANA zone. */
export function isKnownZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** Wall-clock arithmetic in one IANA zone. */
export class ZoneClock {
  private readonly zone: IANAZone;

  constructor(zoneName: string) {
    this.zone = IANAZone.create(zoneName);
  }

  /** The local date an instant falls on. */
  localDay(instant: number): EpochDay {
    return Math.floor((instant + this.offsetMs(instant)) / DAY_MS);
  }

  /**
   * The first instant at which the wall clock reaches `minute` (0..1440) of local date `day`:
   * a time repeated when clocks go back maps to its first occurrence, and a time skipped when
   * clocks go forward maps to the instant of the jump ("resolves forward").
   */
  instantAt(day: EpochDay, minute: number): number {
    const wall = day * DAY_MS + minute * MINUTE_MS;
    const offsets = [this.offsetMs(wall - DAY_MS), this.offsetMs(wall + DAY_MS)].sort((a, b) => b - a);
    for (const offset of offsets) {
      const instant = wall - offset;
      if (this.offsetMs(instant) === offset) return instant;
    }
    return this.firstInstantReaching(wall, wall - offsets[0]!, wall - offsets[1]!);
  }

  private offsetMs(instant: number): number {
    return this.zone.offset(instant) * MINUTE_MS;
  }

  /** Binary search for the jump inside a spring-forward gap: wall(low) < target <= wall(high). */
  private firstInstantReaching(wall: number, low: number, high: number): number {
    let below = low;
    let atOrAbove = high;
    while (atOrAbove - below > 1) {
      const middle = Math.floor((below + atOrAbove) / 2);
      if (middle + this.offsetMs(middle) >= wall) atOrAbove = middle;
      else below = middle;
    }
    return atOrAbove;
  }
}
