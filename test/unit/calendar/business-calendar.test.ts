import { MAX_CLOSED_DAYS } from '../../../src/domain/calendar/opening-windows.js';
import { buildCalendar } from '../../../src/domain/calendar/business-calendar.js';
import { thrown } from '../../support/errors.js';
import { at, configCalendar, HOUR, MINUTE, weeklyCalendar } from './calendars.js';

/** Mon-Fri 08:00-20:00 Europe/Rome, Italian public holidays, San Giovanni (24 June). Rome is UTC+1 in winter, +2 in summer. */
const tuscany = configCalendar('tuscany-gp');
const iso = (date: Date) => date.toISOString();

describe('Tuscan GP desk: opening hours', () => {
  test.each([
    ['a Monday at 08:00 Rome', '2026-03-09T07:00:00Z', true],
    ['a Friday at 19:59 Rome', '2026-03-06T18:59:00Z', true],
    ['a Friday at 20:00 Rome (windows end exclusive)', '2026-03-06T19:00:00Z', false],
    ['a Monday at 07:59 Rome', '2026-03-09T06:59:00Z', false],
    ['a Saturday noon', '2026-03-07T11:00:00Z', false],
    ['a Sunday noon', '2026-03-08T11:00:00Z', false],
    ['Christmas (Friday 2026-12-25)', '2026-12-25T10:00:00Z', false],
    ['Epiphany (Wednesday 2027-01-06)', '2027-01-06T10:00:00Z', false],
    ['Easter Monday (2027-03-29)', '2027-03-29T09:00:00Z', false],
    ['San Giovanni, Florence patron day (Wednesday 2026-06-24)', '2026-06-24T09:00:00Z', false],
    ['the day after San Giovanni', '2026-06-25T09:00:00Z', true],
    ['San Giovanni of another year (Thursday 2027-06-24)', '2027-06-24T09:00:00Z', false],
    ['Christmas Eve (a working Thursday)', '2026-12-24T10:00:00Z', true],
  ])('given %s, then isOpen is %s', (_case, instant, open) => {
    expect(tuscany.isOpen(at(instant))).toBe(open);
  });

  test.each([
    ['inside hours: the instant itself', '2026-03-09T10:15:00Z', '2026-03-09T10:15:00.000Z'],
    ['Monday 07:00 Rome: 08:00 the same day', '2026-03-09T06:00:00Z', '2026-03-09T07:00:00.000Z'],
    ['Friday 20:00 Rome: Monday 08:00', '2026-03-06T19:00:00Z', '2026-03-09T07:00:00.000Z'],
    ['Saturday: Monday 08:00', '2026-12-19T09:00:00Z', '2026-12-21T07:00:00.000Z'],
    [
      'Christmas Eve 21:00: Monday 28 (25 holiday, 26 Santo Stefano, 27 Sunday)',
      '2026-12-24T20:00:00Z',
      '2026-12-28T07:00:00.000Z',
    ],
    ['the evening before Epiphany: Thursday 7', '2027-01-05T19:30:00Z', '2027-01-07T07:00:00.000Z'],
    [
      'Good Friday night 2027: Tuesday after Easter Monday, in summer time',
      '2027-03-26T19:30:00Z',
      '2027-03-30T06:00:00.000Z',
    ],
    ['the evening before San Giovanni: the 25th', '2026-06-23T18:30:00Z', '2026-06-25T06:00:00.000Z'],
  ])('given a request received %s', (_case, received, opening) => {
    expect(iso(tuscany.nextOpening(at(received)))).toBe(opening);
  });
});

describe('Tuscan GP desk: counting business time', () => {
  test('given 30 business minutes from Friday 19:50 Rome, then the SLA ends on Monday 08:20', () => {
    expect(iso(tuscany.addBusinessTime(at('2026-03-06T18:50:00Z'), 30 * MINUTE))).toBe(
      '2026-03-09T07:20:00.000Z',
    );
  });

  test('given a request on Saturday, then counting starts at Monday 08:00', () => {
    expect(iso(tuscany.addBusinessTime(at('2026-03-07T15:00:00Z'), 4 * HOUR))).toBe(
      '2026-03-09T11:00:00.000Z',
    );
    expect(iso(tuscany.addBusinessTime(at('2026-03-07T15:00:00Z'), 0))).toBe('2026-03-09T07:00:00.000Z');
  });

  test('given exactly the rest of the window, then the result is the closing time, not the next opening', () => {
    expect(iso(tuscany.addBusinessTime(at('2026-03-06T18:30:00Z'), 30 * MINUTE))).toBe(
      '2026-03-06T19:00:00.000Z',
    );
  });

  test('given the week of Christmas, then holidays are skipped and counted as zero', () => {
    // Thu 24 at 19:00 + 2 h: 1 h on the 24th, then Monday 28 08:00 + 1 h.
    expect(iso(tuscany.addBusinessTime(at('2026-12-24T18:00:00Z'), 2 * HOUR))).toBe(
      '2026-12-28T08:00:00.000Z',
    );
    // Fri 18 08:00 to Mon 28 08:00: Fri 18 and Mon 21 - Thu 24 are open, 12 h each.
    expect(tuscany.businessTimeBetween(at('2026-12-18T07:00:00Z'), at('2026-12-28T07:00:00Z'))).toBe(
      60 * HOUR,
    );
  });

  test('given a 30-business-day target, then it lands on the right day (day-by-day, not minute-by-minute)', () => {
    // 30 days x 12 h from Monday 2026-11-02 08:00: Dec 8 (Immacolata) is skipped, so the 30th working day is Dec 14.
    expect(iso(tuscany.addBusinessTime(at('2026-11-02T07:00:00Z'), 30 * 12 * HOUR))).toBe(
      '2026-12-14T19:00:00.000Z',
    );
  });

  test('given the spring DST change on Sunday 2026-03-29, then Friday 19:00 + 2 business hours is Monday 09:00 CEST', () => {
    expect(iso(tuscany.addBusinessTime(at('2026-03-27T18:00:00Z'), 2 * HOUR))).toBe(
      '2026-03-30T07:00:00.000Z',
    );
    expect(tuscany.businessTimeBetween(at('2026-03-27T07:00:00Z'), at('2026-03-31T07:00:00Z'))).toBe(
      25 * HOUR,
    );
  });

  test('given the autumn DST change on Sunday 2026-10-25, then Friday 19:00 + 2 business hours is Monday 09:00 CET', () => {
    expect(iso(tuscany.addBusinessTime(at('2026-10-23T17:00:00Z'), 2 * HOUR))).toBe(
      '2026-10-26T08:00:00.000Z',
    );
  });

  test('given to <= from, then no business time passes', () => {
    expect(tuscany.businessTimeBetween(at('2026-03-09T10:00:00Z'), at('2026-03-09T10:00:00Z'))).toBe(0);
    expect(tuscany.businessTimeBetween(at('2026-03-09T12:00:00Z'), at('2026-03-09T10:00:00Z'))).toBe(0);
  });

  test('given bad input, then it is refused as a programming error', () => {
    expect(() => tuscany.addBusinessTime(at('2026-03-09T10:00:00Z'), -1)).toThrow(RangeError);
    expect(() => tuscany.isOpen(at('not a date'))).toThrow(RangeError);
  });
});

describe('windows on DST days follow the wall clock (Europe/Rome)', () => {
  const sundays = weeklyCalendar('Europe/Rome', {
    sun: [
      ['01:00', '04:00'],
      ['08:00', '20:00'],
    ],
  });
  const sunday = (date: string) =>
    sundays.businessTimeBetween(at(`${date}T00:00:00+01:00`), at(`${date}T23:59:00+01:00`));

  test('given the spring-forward Sunday, then 08:00-20:00 still lasts 12 h and 01:00-04:00 one hour less', () => {
    expect(sunday('2026-03-29')).toBe(2 * HOUR + 12 * HOUR);
    expect(sunday('2026-03-22')).toBe(3 * HOUR + 12 * HOUR);
  });

  test('given the fall-back Sunday, then 01:00-04:00 lasts one hour more', () => {
    expect(sunday('2026-10-25')).toBe(4 * HOUR + 12 * HOUR);
  });

  test('given a window that starts inside the spring gap (02:30), then it opens at the jump (03:00 CEST)', () => {
    const gap = weeklyCalendar('Europe/Rome', { sun: [['02:30', '05:00']] });
    expect(iso(gap.nextOpening(at('2026-03-28T12:00:00Z')))).toBe('2026-03-29T01:00:00.000Z');
    expect(gap.businessTimeBetween(at('2026-03-28T12:00:00Z'), at('2026-03-30T00:00:00Z'))).toBe(2 * HOUR);
  });
});

describe('Chile (America/Santiago, southern-hemisphere DST at midnight)', () => {
  const chile = configCalendar('chile-office'); // Mon-Fri 08:30-17:30, Chilean public holidays

  test('given Thursday before Good Friday 2026 and the April change to winter time, then 1 business hour ends Monday 09:00 -04', () => {
    expect(iso(chile.addBusinessTime(at('2026-04-02T20:00:00Z'), HOUR))).toBe('2026-04-06T13:00:00.000Z');
  });

  test('given the September change to summer time, then Friday 17:00 -04 + 1 h is Monday 09:00 -03', () => {
    expect(iso(chile.addBusinessTime(at('2026-09-04T21:00:00Z'), HOUR))).toBe('2026-09-07T12:00:00.000Z');
  });

  test('given Fiestas Patrias (2026-09-18), then the office is closed', () => {
    expect(chile.isOpen(at('2026-09-18T15:00:00Z'))).toBe(false);
    expect(chile.isOpen(at('2026-09-17T15:00:00Z'))).toBe(true);
  });

  test('given a whole-day window on the DST weekends, then Saturday 4 April lasts 25 h and Sunday 6 September 23 h', () => {
    const weekends = weeklyCalendar('America/Santiago', {
      sat: [['00:00', '24:00']],
      sun: [['00:00', '24:00']],
    });
    expect(weekends.businessTimeBetween(at('2026-04-01T00:00:00Z'), at('2026-04-08T00:00:00Z'))).toBe(
      49 * HOUR,
    );
    expect(weekends.businessTimeBetween(at('2026-09-01T00:00:00Z'), at('2026-09-08T00:00:00Z'))).toBe(
      47 * HOUR,
    );
    expect(weekends.isOpen(at('2026-09-06T03:30:00Z'))).toBe(true); // Saturday 23:30 -04, the same open stretch
  });
});

describe('24/7 calendars', () => {
  const radiology = configCalendar('radiology-24x7');

  test('given any instant, even Christmas or a DST night, then it is open and time is wall-clock time', () => {
    expect(radiology.isOpen(at('2026-12-25T03:00:00Z'))).toBe(true);
    expect(iso(radiology.nextOpening(at('2026-04-05T03:30:00Z')))).toBe('2026-04-05T03:30:00.000Z');
    expect(iso(radiology.addBusinessTime(at('2026-04-04T15:00:00Z'), 24 * HOUR))).toBe(
      '2026-04-05T15:00:00.000Z',
    );
    expect(radiology.businessTimeBetween(at('2026-04-04T15:00:00Z'), at('2026-04-05T15:00:00Z'))).toBe(
      24 * HOUR,
    );
    expect(radiology.businessTimeBetween(at('2026-04-05T15:00:00Z'), at('2026-04-04T15:00:00Z'))).toBe(0);
    expect(radiology.timeZone).toBe('America/Santiago');
  });
});

describe('one-off dates', () => {
  test('given the base Tuscan window with an extended Saturday (2026-12-19), then that Saturday opens 08:00-14:00', () => {
    const base = configCalendar('tuscany-gp-base');
    expect(base.isOpen(at('2026-12-19T07:30:00Z'))).toBe(true);
    expect(base.isOpen(at('2026-12-19T13:00:00Z'))).toBe(false);
    expect(iso(base.nextOpening(at('2026-12-18T17:00:00Z')))).toBe('2026-12-19T07:00:00.000Z'); // Fri 18:00 -> Sat 08:00
    expect(base.isOpen(at('2026-12-21T07:15:00Z'))).toBe(false); // Monday 08:15, base opens 08:30
  });

  test('given extra closed dates and extra windows on a holiday, then the date-specific rule wins', () => {
    const office = weeklyCalendar(
      'Europe/Rome',
      {
        mon: [['08:00', '20:00']],
        tue: [['08:00', '20:00']],
        wed: [['08:00', '20:00']],
        thu: [['08:00', '20:00']],
        fri: [['08:00', '20:00']],
      },
      {
        extraClosedDates: ['2026-12-31'],
        extraOpenWindows: [
          { date: '2026-12-24', windows: [['08:30', '13:00']] }, // shortened Christmas Eve
          { date: '2026-12-25', windows: [['09:00', '11:00']] }, // on call on Christmas
        ],
      },
    );
    expect(office.businessTimeBetween(at('2026-12-24T00:00:00Z'), at('2026-12-26T00:00:00Z'))).toBe(
      4.5 * HOUR + 2 * HOUR,
    );
    expect(office.isOpen(at('2026-12-31T10:00:00Z'))).toBe(false);
  });
});

describe('a calendar that never opens', () => {
  test('given every day is a holiday, then a forward search gives up after three years with CALENDAR_INVALID', () => {
    const closed = buildCalendar(
      { id: 'closed', timeZone: 'Europe/Rome', weekly: { mon: [['08:00', '20:00']] } },
      () => true,
    );

    const error = thrown(() => closed.addBusinessTime(at('2026-01-01T00:00:00Z'), MINUTE));
    expect(error).toMatchObject({
      code: 'CALENDAR_INVALID',
      message: expect.stringContaining('calendar <closed>'),
    });
    expect(MAX_CLOSED_DAYS).toBeGreaterThanOrEqual(3 * 365);
    expect(() => closed.nextOpening(at('2026-01-01T00:00:00Z'))).toThrow(/no opening window/);
    expect(closed.isOpen.bind(closed, at('2026-01-01T00:00:00Z'))).toThrow(/no opening window/);
    // A bounded question still has an answer.
    expect(closed.businessTimeBetween(at('2026-01-01T00:00:00Z'), at('2026-02-01T00:00:00Z'))).toBe(0);
  });
});
