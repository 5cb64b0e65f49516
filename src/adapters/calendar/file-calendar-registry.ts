import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CalendarRegistry } from '../../app/calendar-registry.js';
import { buildCalendar, type BusinessCalendar } from '../../domain/calendar/business-calendar.js';
import { parseCalendarSpec } from '../../domain/calendar/calendar-spec.js';
import { AppError, isAppError } from '../../domain/errors.js';
import { dateHolidaysCheck } from './date-holidays-check.js';

/** Business calendars from `<dir>/*.json` (e.g. `config/calendars/`), loaded once at startup. */
export class FileCalendarRegistry implements CalendarRegistry {
  private readonly byId: ReadonlyMap<string, BusinessCalendar>;

  /** A registry of ready calendars; a repeated id throws CALENDAR_INVALID. */
  constructor(calendars: readonly BusinessCalendar[]) {
    const byId = new Map<string, BusinessCalendar>();
    for (const calendar of calendars) {
      if (byId.has(calendar.id)) throw duplicate(calendar.id);
      byId.set(calendar.id, calendar);
    }
    this.byId = byId;
  }

  /**
   * Reads and builds every calendar file (a missing folder gives an empty registry). A broken
   * file throws CALENDAR_INVALID whose message names the file.
   */
  static async load(dir: string): Promise<FileCalendarRegistry> {
    const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort();
    const calendars: BusinessCalendar[] = [];
    const fileOf = new Map<string, string>();
    for (const file of files) {
      const calendar = await loadFile(path.join(dir, file), file);
      const first = fileOf.get(calendar.id);
      if (first) throw duplicate(calendar.id, `${first} and ${file}`);
      fileOf.set(calendar.id, file);
      calendars.push(calendar);
    }
    return new FileCalendarRegistry(calendars);
  }

  get(id: string): BusinessCalendar {
    const calendar = this.byId.get(id);
    if (!calendar) throw new AppError('CALENDAR_NOT_FOUND', `calendar <${id}> not found`);
    return calendar;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  list(): BusinessCalendar[] {
    return [...this.byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  }
}

async function loadFile(file: string, name: string): Promise<BusinessCalendar> {
  const text = await readFile(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (error) {
    throw invalid(name, `not valid JSON (${(error as Error).message})`);
  }
  try {
    const spec = parseCalendarSpec(json, name);
    return buildCalendar(spec, dateHolidaysCheck(spec.holidays, spec.id));
  } catch (error) {
    if (!isAppError(error) || error.message.includes(name)) throw error;
    throw new AppError(error.code, `${error.message} (${name})`, error.details);
  }
}

function invalid(file: string, message: string): AppError {
  return new AppError('CALENDAR_INVALID', `calendar file ${file}: ${message}`, [
    { path: file, reason: 'calendar', message },
  ]);
}

function duplicate(id: string, where = 'the list'): AppError {
  const message = `calendar <${id}> is defined twice, in ${where}`;
  return new AppError('CALENDAR_INVALID', message, [{ path: id, reason: 'calendar-duplicate', message }]);
}
