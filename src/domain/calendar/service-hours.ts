/**
 * Out-of-hours facts and texts derived from a business calendar (issue 14, docs/adr/0030):
 * when a request was received, whether the desk was closed, when it reopens, and the desk's
 * service hours written out for the requester. Pure; every instant is given.
 */
import type { BusinessCalendar } from './business-calendar.js';
import type { CalendarSpec, WindowSpec } from './calendar-spec.js';
import { WEEKDAYS } from './calendar-terms.js';
import { minuteOfDay, parseLocalDate, ZoneClock } from './local-time.js';

/** Languages the texts exist in; anything else gets English. */
export type HoursLanguage = 'es' | 'it' | 'en';

interface Words {
  readonly days: readonly string[];
  readonly range: (from: string, to: string) => string;
  readonly and: string;
  readonly always: string;
  readonly holidays: string;
  readonly zone: (zone: string) => string;
}

const WORDS: Record<HoursLanguage, Words> = {
  es: {
    days: ['lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado', 'domingo'],
    range: (from, to) => `de ${from} a ${to}`,
    and: ' y ',
    always: 'las 24 horas, todos los días',
    holidays: 'cerrado los días festivos',
    zone: (zone) => `hora de ${zone}`,
  },
  it: {
    days: ['lunedì', 'martedì', 'mercoledì', 'giovedì', 'venerdì', 'sabato', 'domenica'],
    range: (from, to) => `${from}–${to}`,
    and: ' e ',
    always: '24 ore su 24, tutti i giorni',
    holidays: 'chiuso nei giorni festivi',
    zone: (zone) => `ora di ${zone}`,
  },
  en: {
    days: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
    range: (from, to) => `${from}–${to}`,
    and: ' and ',
    always: '24 hours a day, every day',
    holidays: 'closed on public holidays',
    zone: (zone) => `${zone} time`,
  },
};

/** The language's texts, English for an unknown language. */
export function hoursLanguage(language: string | undefined): HoursLanguage {
  return language === 'es' || language === 'it' ? language : 'en';
}

/**
 * The weekly hours of a calendar spec in words, consecutive days with the same windows grouped:
 * `lunedì–venerdì 08:00–20:00; sabato 08:00–14:00 (chiuso nei giorni festivi; ora di Europe/Rome)`.
 */
export function serviceHoursText(spec: CalendarSpec, language: string | undefined): string {
  const words = WORDS[hoursLanguage(language)];
  if (spec.alwaysOpen) return words.always;
  const perDay = WEEKDAYS.map((day) => windowsText(spec.weekly?.[day] ?? [], words));
  const groups: string[] = [];
  for (let first = 0; first < perDay.length; ) {
    let last = first;
    while (last + 1 < perDay.length && perDay[last + 1] === perDay[first]) last += 1;
    const hours = perDay[first];
    if (hours) {
      const days = first === last ? words.days[first] : `${words.days[first]}–${words.days[last]}`;
      groups.push(`${days} ${hours}`);
    }
    first = last + 1;
  }
  const notes = [...(hasClosures(spec) ? [words.holidays] : []), words.zone(spec.timeZone)];
  return `${groups.join('; ')} (${notes.join('; ')})`;
}

function windowsText(windows: readonly WindowSpec[], words: Words): string {
  return windows.map(([from, to]) => words.range(from, to)).join(words.and);
}

function hasClosures(spec: CalendarSpec): boolean {
  return (
    Boolean(spec.holidays) ||
    Boolean(spec.extraClosedDates?.length) ||
    Boolean(spec.recurringClosedDays?.length)
  );
}

/** A wall-clock instant in the zone, e.g. `lunedì 16/03/2026 08:00` (en: `Monday 2026-03-16 08:00`). */
export function formatLocalInstant(at: Date, timeZone: string, language: string | undefined): string {
  const lang = hoursLanguage(language);
  const clock = new ZoneClock(timeZone);
  const time = at.getTime();
  const day = clock.localDay(time);
  const minutes = Math.floor((time - clock.instantAt(day, 0)) / 60_000);
  const [year, month, date] = new Date(day * 86_400_000).toISOString().slice(0, 10).split('-');
  const weekday = WORDS[lang].days[(((day + 3) % 7) + 7) % 7];
  const hhmm = `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
  return lang === 'en'
    ? `${weekday} ${year}-${month}-${date} ${hhmm}`
    : `${weekday} ${date}/${month}/${year} ${hhmm}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

const LOCAL = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::(\d{2})(?:\.\d{1,3})?)?$/;
const ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * When a request was received: `value` (a Date, an ISO instant with zone, or a form's
 * `YYYY-MM-DDTHH:MM[:SS]` read as wall-clock time in `timeZone`), else `now` when absent or unreadable.
 */
export function receptionInstant(value: unknown, timeZone: string, now: Date): Date {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  if (typeof value !== 'string' || value.length > 40) return now;
  const text = value.trim();
  if (ZONED.test(text)) {
    const parsed = new Date(text);
    return Number.isNaN(parsed.getTime()) ? now : parsed;
  }
  const local = LOCAL.exec(text);
  const day = local ? parseLocalDate(local[1] as string) : undefined;
  const minute = local ? minuteOfDay(local[2] as string) : undefined;
  if (day === undefined || minute === undefined || minute >= 1440) return now;
  const seconds = Number(local?.[3] ?? 0);
  return new Date(new ZoneClock(timeZone).instantAt(day, minute) + Math.min(seconds, 59) * 1000);
}

/** Whether the desk was closed at `receivedAt`, and when it (re)opens. */
export interface OutOfHoursFact {
  readonly outside: boolean;
  /** `receivedAt` itself when open, else the start of the next opening window. */
  readonly reopensAt: Date;
}

/** The out-of-hours fact of a reception instant on a calendar. */
export function outOfHoursAt(calendar: BusinessCalendar, receivedAt: Date): OutOfHoursFact {
  const reopensAt = calendar.nextOpening(receivedAt);
  return { outside: reopensAt.getTime() !== receivedAt.getTime(), reopensAt };
}
