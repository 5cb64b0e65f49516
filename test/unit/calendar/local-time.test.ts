import {
  formatLocalDate,
  isMonthDay,
  minuteOfDay,
  parseLocalDate,
  weekdayIndex,
  ZoneClock,
} from '../../../src/domain/calendar/local-time.js';

const iso = (ms: number) => new Date(ms).toISOString();
const day = (date: string) => parseLocalDate(date)!;

describe('local times and dates', () => {
  test.each([
    ['00:00', 0],
    ['08:30', 510],
    ['23:59', 1439],
    ['24:00', 1440],
  ])('given %s, then it is minute %d of the day', (text, minute) => {
    expect(minuteOfDay(text)).toBe(minute);
  });

  test.each(['8:00', '24:30', '25:00', '12:60', '12:00:00', ''])(
    'given %s, then it is not a time',
    (text) => {
      expect(minuteOfDay(text)).toBeUndefined();
    },
  );

  test('given dates, then real ones round-trip and impossible ones are refused', () => {
    expect(formatLocalDate(day('2028-02-29'))).toBe('2028-02-29');
    expect(parseLocalDate('2026-02-29')).toBeUndefined();
    expect(parseLocalDate('2026-13-01')).toBeUndefined();
    expect(parseLocalDate('26-01-01')).toBeUndefined();
    expect(isMonthDay('02-29')).toBe(true);
    expect(isMonthDay('04-31')).toBe(false);
  });

  test('given known dates, then the weekday is right (0 = Monday)', () => {
    expect(weekdayIndex(day('2026-12-25'))).toBe(4); // Friday
    expect(weekdayIndex(day('2027-03-29'))).toBe(0); // Easter Monday
    expect(weekdayIndex(day('1969-12-28'))).toBe(6); // Sunday, before the epoch
  });
});

describe('wall-clock times in a zone', () => {
  const rome = new ZoneClock('Europe/Rome');
  const santiago = new ZoneClock('America/Santiago');

  test('given an ordinary day, then local 08:00 in Rome is 07:00Z in winter and 06:00Z in summer', () => {
    expect(iso(rome.instantAt(day('2026-03-27'), 480))).toBe('2026-03-27T07:00:00.000Z');
    expect(iso(rome.instantAt(day('2026-03-30'), 480))).toBe('2026-03-30T06:00:00.000Z');
  });

  test('given a time skipped when clocks go forward (Rome, 2026-03-29 02:30), then it resolves forward to the jump', () => {
    expect(iso(rome.instantAt(day('2026-03-29'), 150))).toBe('2026-03-29T01:00:00.000Z'); // = 03:00 CEST
    expect(iso(rome.instantAt(day('2026-03-29'), 180))).toBe('2026-03-29T01:00:00.000Z');
  });

  test('given a time repeated when clocks go back (Rome, 2026-10-25 02:30), then its first occurrence is used', () => {
    expect(iso(rome.instantAt(day('2026-10-25'), 150))).toBe('2026-10-25T00:30:00.000Z'); // 02:30 CEST
    expect(iso(rome.instantAt(day('2026-10-25'), 180))).toBe('2026-10-25T02:00:00.000Z'); // 03:00 CET
  });

  test('given Santiago, where clocks change at midnight, then midnight resolves forward or to its first occurrence', () => {
    // 2026-09-06 00:00 does not exist: clocks jump from 00:00 -04 to 01:00 -03 (04:00Z).
    expect(iso(santiago.instantAt(day('2026-09-06'), 0))).toBe('2026-09-06T04:00:00.000Z');
    // 2026-04-04 24:00: clocks go back at 00:00 -03 to 23:00 -04; midnight is first reached at 04:00Z.
    expect(iso(santiago.instantAt(day('2026-04-04'), 1440))).toBe('2026-04-05T04:00:00.000Z');
    expect(santiago.localDay(Date.parse('2026-04-05T03:30:00Z'))).toBe(day('2026-04-04')); // 23:30 again
  });
});
