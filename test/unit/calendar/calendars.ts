import { readFileSync } from 'node:fs';
import { dateHolidaysCheck } from '../../../src/adapters/calendar/date-holidays-check.js';
import { buildCalendar, type BusinessCalendar } from '../../../src/domain/calendar/business-calendar.js';
import { parseCalendarSpec, type CalendarSpec } from '../../../src/domain/calendar/calendar-spec.js';

/** A calendar of `config/calendars/`, with its real date-holidays check. */
export function configCalendar(id: string): BusinessCalendar {
  const spec = parseCalendarSpec(
    JSON.parse(readFileSync(`config/calendars/${id}.json`, 'utf8')),
    `${id}.json`,
  );
  return buildCalendar(spec, dateHolidaysCheck(spec.holidays, spec.id));
}

/** A calendar with the given weekly windows and no holidays. */
export function weeklyCalendar(
  timeZone: string,
  weekly: CalendarSpec['weekly'],
  extra: Partial<CalendarSpec> = {},
) {
  return buildCalendar({ id: 'test', timeZone, weekly, ...extra }, () => false);
}

export const at = (iso: string) => new Date(iso);
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
