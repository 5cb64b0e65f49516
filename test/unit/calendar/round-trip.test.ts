import type { BusinessCalendar } from '../../../src/domain/calendar/business-calendar.js';
import { configCalendar, HOUR, MINUTE, weeklyCalendar } from './calendars.js';

/** Fixed instants spread over two years (both DST changes of 2026 and 2027, many holidays). */
const FROM = Date.parse('2026-01-01T05:17:00Z');
const STEP = 2 * 24 * HOUR + 7 * HOUR + 13 * MINUTE + 17_123;
const INSTANTS = Array.from({ length: 320 }, (_, i) => new Date(FROM + i * STEP));
const DURATIONS = [0, 1, 59_999, 30 * MINUTE, 4 * HOUR, 12 * HOUR + 1, 45 * HOUR, 10 * 24 * HOUR];

const calendars: [string, BusinessCalendar][] = [
  ['tuscany-gp', configCalendar('tuscany-gp')],
  ['tuscany-gp-extended', configCalendar('tuscany-gp-extended')],
  ['chile-office', configCalendar('chile-office')],
  ['bolivia-la-paz', configCalendar('bolivia-la-paz')],
  ['radiology-24x7', configCalendar('radiology-24x7')],
  [
    'night windows across DST (Rome)',
    weeklyCalendar('Europe/Rome', {
      sat: [
        ['00:00', '02:30'],
        ['02:30', '24:00'],
      ],
      sun: [['01:00', '04:00']],
    }),
  ],
  [
    'midnight DST (Santiago)',
    weeklyCalendar('America/Santiago', { sat: [['22:00', '24:00']], sun: [['00:00', '01:30']] }),
  ],
];

describe.each(calendars)('counting business time is consistent (%s)', (_name, calendar) => {
  test('given many fixed instants and durations, then businessTimeBetween(from, addBusinessTime(from, ms)) === ms', () => {
    const mismatches: string[] = [];
    for (const from of INSTANTS)
      for (const ms of DURATIONS) {
        const due = calendar.addBusinessTime(from, ms);
        const counted = calendar.businessTimeBetween(from, due);
        if (counted !== ms)
          mismatches.push(`${from.toISOString()} + ${ms} -> ${due.toISOString()} counts ${counted}`);
        if (due < calendar.nextOpening(from))
          mismatches.push(`${from.toISOString()} + ${ms} ends before opening`);
      }
    expect(mismatches).toEqual([]);
  });

  test('given an instant, then nextOpening is open and the result of 0 ms', () => {
    for (const from of INSTANTS) {
      const opening = calendar.nextOpening(from);
      expect(calendar.isOpen(opening)).toBe(true);
      expect(calendar.addBusinessTime(from, 0)).toEqual(opening);
      expect(calendar.businessTimeBetween(from, opening)).toBe(0);
    }
  });
});
