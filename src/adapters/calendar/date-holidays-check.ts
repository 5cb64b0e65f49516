import Holidays, { type HolidaysTypes } from 'date-holidays';
import type { HolidayCheck } from '../../domain/calendar/business-calendar.js';
import type { HolidaySource } from '../../domain/calendar/calendar-spec.js';
import { formatLocalDate, parseLocalDate } from '../../domain/calendar/local-time.js';
import { AppError } from '../../domain/errors.js';

const DAY_MS = 86_400_000;

/**
 * A holiday check backed by date-holidays: the configured country (and region, date-holidays'
 * "state"), keeping only the configured holiday types; dates are computed once per year.
 * No source means no holidays. An unknown country or region throws CALENDAR_INVALID.
 */
export function dateHolidaysCheck(
  source: HolidaySource | null | undefined,
  calendarId: string,
): HolidayCheck {
  if (!source) return () => false;
  const holidays = openHolidays(source, calendarId);
  const types = new Set<string>(source.types ?? ['public']);
  const byYear = new Map<number, ReadonlySet<string>>();
  return (localDate) => {
    const year = Number(localDate.slice(0, 4));
    let dates = byYear.get(year);
    if (!dates) {
      dates = datesOf(holidays.getHolidays(year).filter((holiday) => types.has(holiday.type)));
      byYear.set(year, dates);
    }
    return dates.has(localDate);
  };
}

function openHolidays(source: HolidaySource, calendarId: string): Holidays {
  const known = new Holidays();
  if (!known.getCountries()[source.country])
    throw invalid(calendarId, 'holidays.country', `date-holidays does not know country <${source.country}>`);
  if (!source.region) return new Holidays(source.country);
  if (!known.getStates(source.country)?.[source.region])
    throw invalid(
      calendarId,
      'holidays.region',
      `date-holidays does not know region <${source.region}> of ${source.country}`,
    );
  return new Holidays(source.country, source.region);
}

/** Local dates covered by the holidays; one lasting several days closes each of them. */
function datesOf(holidays: readonly HolidaysTypes.Holiday[]): ReadonlySet<string> {
  const dates = new Set<string>();
  for (const holiday of holidays) {
    const first = parseLocalDate(holiday.date.slice(0, 10));
    if (first === undefined) continue;
    const days = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS));
    for (let i = 0; i < days; i++) dates.add(formatLocalDate(first + i));
  }
  return dates;
}

function invalid(calendarId: string, path: string, message: string): AppError {
  return new AppError('CALENDAR_INVALID', `calendar <${calendarId}>: ${path}: ${message}`, [
    { path, reason: 'calendar', message },
  ]);
}
