import { readFileSync } from 'node:fs';
import { buildCalendar } from '../../../src/domain/calendar/business-calendar.js';
import { parseCalendarSpec } from '../../../src/domain/calendar/calendar-spec.js';
import { thrown } from '../../support/errors.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(`test/fixtures/calendars/${name}`, 'utf8')) as unknown;

describe('parsing a calendar file', () => {
  test('given the Tuscan GP calendar, then its windows, holidays and closed days come out', () => {
    const spec = parseCalendarSpec(
      JSON.parse(readFileSync('config/calendars/tuscany-gp.json', 'utf8')),
      'tuscany-gp.json',
    );

    expect(spec).toMatchObject({
      id: 'tuscany-gp',
      timeZone: 'Europe/Rome',
      alwaysOpen: false,
      holidays: { country: 'IT', region: null, types: ['public'] },
      recurringClosedDays: ['06-24'],
    });
    expect(spec.weekly?.mon).toEqual([['08:00', '20:00']]);
    expect(spec.weekly?.sat).toEqual([]);
  });

  test('given a minimal file, then the optional fields get their defaults', () => {
    const spec = parseCalendarSpec(
      { id: 'office', timeZone: 'UTC', weekly: { mon: [['09:00', '24:00']] } },
      'office.json',
    );

    expect(spec).toEqual({
      id: 'office',
      timeZone: 'UTC',
      alwaysOpen: false,
      weekly: { mon: [['09:00', '24:00']], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
      holidays: null,
      extraClosedDates: [],
      recurringClosedDays: [],
      extraOpenWindows: [],
    });
  });

  test('given a 24/7 calendar, then it needs no weekly windows', () => {
    expect(
      parseCalendarSpec({ id: 'desk', timeZone: 'America/Santiago', alwaysOpen: true }, 'desk.json'),
    ).toMatchObject({
      alwaysOpen: true,
      weekly: {},
    });
  });

  test('given a broken file, then every issue is listed with its path and the message names the calendar', () => {
    const error = thrown(() => parseCalendarSpec(fixture('broken-spec.json'), 'broken-spec.json'));

    expect(error.code).toBe('CALENDAR_INVALID');
    expect(error.message).toMatch(/^calendar <broken-office> \(broken-spec\.json\): /);
    expect(error.details.map((d) => d.path).sort()).toEqual(
      [
        'openOnSundays', // unknown key
        'timeZone', // Europe/Florence is not an IANA zone
        'weekly.monday', // unknown weekday
        'weekly.mon[1]', // overlaps 08:00-12:00
        'weekly.tue[1]', // comes before 14:00-18:00
        'weekly.wed[0]', // 8:00 is not HH:MM
        'weekly.thu[0]', // 25:00
        'weekly.fri[0]', // ends before it starts
        'holidays.country',
        'holidays.types[1]',
        'extraClosedDates[0]', // 2026-02-30
        'recurringClosedDays[0]', // 13-01
        'extraOpenWindows[0].date', // also an extra closed date
      ].sort(),
    );
    expect(error.message).toContain('"Europe/Florence" is not an IANA time zone');
  });

  test.each([
    ['not an object', []],
    ['no id', { timeZone: 'UTC', alwaysOpen: true }],
    ['never opens', { id: 'closed', timeZone: 'UTC', weekly: { mon: [], sat: [] } }],
    [
      'a window that is not a pair',
      { id: 'x', timeZone: 'UTC', weekly: { mon: [['08:00', '12:00', '14:00']] } },
    ],
    [
      'a date listed twice for extra windows',
      {
        id: 'x',
        timeZone: 'UTC',
        weekly: { mon: [['08:00', '12:00']] },
        extraOpenWindows: [
          { date: '2026-12-24', windows: [] },
          { date: '2026-12-24', windows: [['08:00', '09:00']] },
        ],
      },
    ],
    [
      'an unknown holiday key',
      { id: 'x', timeZone: 'UTC', alwaysOpen: true, holidays: { country: 'IT', city: 'Firenze' } },
    ],
  ])('given %s, then it is refused', (_case, json) => {
    expect(thrown(() => parseCalendarSpec(json, 'x.json'))).toMatchObject({ code: 'CALENDAR_INVALID' });
  });

  test('given a hand-written invalid spec, then buildCalendar refuses it too', () => {
    const error = thrown(() =>
      buildCalendar(
        { id: 'typo', timeZone: 'Europe/Rome', weekly: { mon: [['20:00', '08:00']] } },
        () => false,
      ),
    );

    expect(error).toMatchObject({
      code: 'CALENDAR_INVALID',
      message: expect.stringContaining('calendar <typo>'),
    });
  });
});
