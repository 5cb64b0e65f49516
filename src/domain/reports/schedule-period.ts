/**
 * Which period a scheduled report sends now (docs/adr/0027, 0035), optionally following a
 * business calendar: nothing is sent on a local day the calendar is closed all day (holiday,
 * weekend), and a daily report covers the last day the calendar was open, so Friday's review
 * is sent on Monday and a holiday's is never sent (nothing was worked).
 */
import type { BusinessCalendar } from '../calendar/business-calendar.js';
import { lastEndedPeriod, localDayOf, periodOf, shiftPeriod, type Period } from './period.js';

/** Days looked back for the calendar's last open day (a closure longer than this sends nothing). */
const MAX_CLOSED_DAYS = 31;

/** Open days have business time: a calendar with no opening window that local day is closed. */
export function isOpenDay(day: Period, calendar: Pick<BusinessCalendar, 'businessTimeBetween'>): boolean {
  return calendar.businessTimeBetween(day.from, day.to) > 0;
}

/**
 * The period to send at `now`, or undefined when nothing is due (the calendar is closed today, or
 * no open day ended in the last {@link MAX_CLOSED_DAYS} days). Without a calendar: the last ended
 * period in `zone`. With one, periods are counted in the calendar's zone.
 */
function duePeriod(
  kind: 'day' | 'week' | 'month',
  now: Date,
  zone: string,
  calendar?: Pick<BusinessCalendar, 'businessTimeBetween' | 'timeZone'>,
): Period | undefined {
  if (!calendar) return lastEndedPeriod(kind, now, zone);
  const local = calendar.timeZone;
  const today = periodOf('day', localDayOf(now, local), local);
  if (!isOpenDay(today, calendar)) return undefined;
  if (kind !== 'day') return lastEndedPeriod(kind, now, local);
  let day = shiftPeriod(today, -1, local);
  for (let back = 0; back < MAX_CLOSED_DAYS; back++) {
    if (isOpenDay(day, calendar)) return day;
    day = shiftPeriod(day, -1, local);
  }
  return undefined;
}

/**
 * The periods a schedule may still send at `now`, newest first: the {@link duePeriod} and up to
 * `count - 1` before it (with a calendar, a daily schedule's earlier open days), so periods missed
 * while no process ran are caught up. Empty when nothing is due.
 */
export function duePeriods(
  kind: 'day' | 'week' | 'month',
  now: Date,
  zone: string,
  calendar: Pick<BusinessCalendar, 'businessTimeBetween' | 'timeZone'> | undefined,
  count: number,
): Period[] {
  const newest = duePeriod(kind, now, zone, calendar);
  if (!newest) return [];
  const local = calendar?.timeZone ?? zone;
  const periods = [newest];
  let current = newest;
  for (let step = 0; periods.length < count && step < count * MAX_CLOSED_DAYS; step++) {
    current = shiftPeriod(current, -1, local);
    if (calendar && kind === 'day' && !isOpenDay(current, calendar)) continue;
    periods.push(current);
  }
  return periods;
}
