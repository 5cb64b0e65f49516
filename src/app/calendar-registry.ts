import type { BusinessCalendar } from '../domain/calendar/business-calendar.js';

/** The business calendars known to the application (data files, loaded at startup). */
export interface CalendarRegistry {
  /** The calendar; throws AppError CALENDAR_NOT_FOUND (`calendar <id> not found`). */
  get(id: string): BusinessCalendar;
  has(id: string): boolean;
  /** Every calendar, sorted by id. */
  list(): BusinessCalendar[];
}
