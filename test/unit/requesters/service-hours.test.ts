import { readFileSync } from 'node:fs';
import { parseCalendarSpec } from '../../../src/domain/calendar/calendar-spec.js';
import {
  formatLocalInstant,
  outOfHoursAt,
  receptionInstant,
  serviceHoursText,
} from '../../../src/domain/calendar/service-hours.js';
import { parseSlaPolicy } from '../../../src/domain/sla/parse-policy.js';
import { trackClocks } from '../../../src/domain/sla/track-clocks.js';
import { configCalendar } from '../calendar/calendars.js';

const spec = (id: string) =>
  parseCalendarSpec(JSON.parse(readFileSync(`config/calendars/${id}.json`, 'utf8')), id);
/** Mon-Fri 08:00-20:00 Europe/Rome, Italian holidays, 24 June closed. */
const tuscany = configCalendar('tuscany-gp');

describe('service hours text (derived from the calendar spec, not hard-coded)', () => {
  test('given the Tuscan desk spec, then each language writes its weekly hours, holidays and zone', () => {
    expect(serviceHoursText(spec('tuscany-gp'), 'it')).toBe(
      'lunedì–venerdì 08:00–20:00 (chiuso nei giorni festivi; ora di Europe/Rome)',
    );
    expect(serviceHoursText(spec('tuscany-gp'), 'es')).toBe(
      'lunes–viernes de 08:00 a 20:00 (cerrado los días festivos; hora de Europe/Rome)',
    );
    expect(serviceHoursText(spec('tuscany-gp'), 'en')).toBe(
      'Monday–Friday 08:00–20:00 (closed on public holidays; Europe/Rome time)',
    );
  });

  test('given a Saturday window, then consecutive days with the same hours are grouped and Saturday follows', () => {
    expect(serviceHoursText(spec('tuscany-gp-extended'), 'it')).toBe(
      'lunedì–venerdì 08:00–20:00; sabato 08:00–14:00 (chiuso nei giorni festivi; ora di Europe/Rome)',
    );
  });

  test('given two windows a day and no holidays, then both are listed', () => {
    const split = parseCalendarSpec(
      {
        id: 'split',
        timeZone: 'America/Mexico_City',
        weekly: {
          mon: [
            ['08:00', '13:00'],
            ['15:00', '18:00'],
          ],
          wed: [
            ['08:00', '13:00'],
            ['15:00', '18:00'],
          ],
        },
      },
      'split',
    );
    expect(serviceHoursText(split, 'es')).toBe(
      'lunes de 08:00 a 13:00 y de 15:00 a 18:00; miércoles de 08:00 a 13:00 y de 15:00 a 18:00 (hora de America/Mexico_City)',
    );
  });

  test('given a 24/7 calendar or an unknown language, then the always-open text / English', () => {
    expect(serviceHoursText(spec('radiology-24x7'), 'es')).toBe('las 24 horas, todos los días');
    expect(serviceHoursText(spec('tuscany-gp'), 'fr')).toMatch(/^Monday–Friday/);
  });
});

describe('reception instant and reopening (fixed instants)', () => {
  test('given a form datetime without zone, then it is wall-clock time of the desk (Rome, UTC+1 in March)', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    expect(receptionInstant('2026-03-13T21:10', 'Europe/Rome', now).toISOString()).toBe(
      '2026-03-13T20:10:00.000Z',
    );
    expect(receptionInstant('2026-07-13T21:10:30', 'Europe/Rome', now).toISOString()).toBe(
      '2026-07-13T19:10:30.000Z',
    );
    expect(receptionInstant('2026-03-13T21:10:00Z', 'Europe/Rome', now).toISOString()).toBe(
      '2026-03-13T21:10:00.000Z',
    );
  });

  test('given no, or an unreadable, reception time, then the start instant counts', () => {
    const now = new Date('2026-03-13T10:00:00Z');
    expect(receptionInstant(undefined, 'Europe/Rome', now)).toBe(now);
    expect(receptionInstant('yesterday', 'Europe/Rome', now)).toBe(now);
    expect(receptionInstant('2026-02-30T10:00', 'Europe/Rome', now)).toBe(now);
  });

  test('given a Friday 21:10 request, then it is outside hours and the desk reopens on Monday 08:00 Rome', () => {
    const fact = outOfHoursAt(tuscany, new Date('2026-03-13T20:10:00Z'));
    expect(fact).toEqual({ outside: true, reopensAt: new Date('2026-03-16T07:00:00Z') });
    expect(formatLocalInstant(fact.reopensAt, 'Europe/Rome', 'it')).toBe('lunedì 16/03/2026 08:00');
    expect(formatLocalInstant(fact.reopensAt, 'Europe/Rome', 'en')).toBe('Monday 2026-03-16 08:00');
  });

  test('given Christmas Eve evening, then the reopening skips Christmas and Santo Stefano (Sunday 27th too)', () => {
    const fact = outOfHoursAt(tuscany, new Date('2026-12-24T19:30:00Z'));
    expect(fact.reopensAt.toISOString()).toBe('2026-12-28T07:00:00.000Z');
  });

  test('given a request within hours, then it is not outside and reopensAt is the instant itself', () => {
    const at = new Date('2026-03-12T08:41:00Z');
    expect(outOfHoursAt(tuscany, at)).toEqual({ outside: false, reopensAt: at });
  });
});

describe('SLA clock of a request received outside hours', () => {
  const policy = parseSlaPolicy(
    {
      procedureId: 'tuscan-gp-helpdesk',
      calendar: 'tuscany-gp',
      targets: [
        {
          id: 'first-response',
          name: 'Presa in carico',
          start: { instanceStarted: true },
          stop: { activityCompleted: 'task-register-classify' },
          target: { default: 'PT1H' },
          warnAtPercent: 80,
        },
      ],
      escalation: [],
    },
    'inline',
  );

  test('given a start on Saturday, then the clock counts from Monday 08:00: due 09:00, warning 08:48, nothing elapsed by Sunday', () => {
    const facts = (now: string) => ({
      now: new Date(now),
      status: 'running' as const,
      activeActivities: ['task-take-over-at-reopening'],
      completedActivities: [],
      variables: {},
    });
    const [started] = trackClocks(undefined, policy, tuscany, facts('2026-03-14T10:00:00Z')).clocks;
    expect(started).toMatchObject({
      status: 'running',
      elapsedMs: 0,
      dueAt: new Date('2026-03-16T08:00:00Z'),
      warnAt: new Date('2026-03-16T07:48:00Z'),
    });
    const [sunday] = trackClocks([started!], policy, tuscany, facts('2026-03-15T18:00:00Z')).clocks;
    expect(sunday).toMatchObject({ elapsedMs: 0, dueAt: new Date('2026-03-16T08:00:00Z') });
  });
});
