import { readFileSync } from 'node:fs';
import { at, configCalendar, HOUR } from './calendars.js';

/**
 * Seed 004 is the Seguro Social Universitario Cochabamba (Bolivia): its complaints run on the
 * Cochabamba office calendar (America/La_Paz, UTC-4 all year, Bolivian and Cochabamba holidays).
 */
describe('complaints (seed 004) on the Cochabamba office calendar', () => {
  const cochabamba = configCalendar('bolivia-cochabamba');
  const iso = (date: Date) => date.toISOString();

  test('given the complaints SLA policy, then it counts on the Bolivian calendar, not a Chilean one', () => {
    const policy = JSON.parse(readFileSync('config/sla/complaints.json', 'utf8')) as { calendar: string };
    expect(policy.calendar).toBe('bolivia-cochabamba');
    expect(cochabamba.timeZone).toBe('America/La_Paz');
  });

  test.each([
    ['the Efemérides de Cochabamba, Monday 2026-09-14 10:00', '2026-09-14T14:00:00Z', false],
    ['Tuesday 2026-09-15 10:00', '2026-09-15T14:00:00Z', true],
    ['Carnival Monday 2026-02-16 10:00', '2026-02-16T14:00:00Z', false],
    ['the Plurinational State day, Thursday 2026-01-22 10:00', '2026-01-22T14:00:00Z', false],
    [
      'Chilean Fiestas Patrias, Friday 2026-09-18 10:00 (a working day in Bolivia)',
      '2026-09-18T14:00:00Z',
      true,
    ],
    [
      'the La Paz anniversary, Thursday 2026-07-16 10:00 (not a Cochabamba holiday)',
      '2026-07-16T14:00:00Z',
      true,
    ],
    ['a Wednesday at 16:45, after closing', '2026-03-11T20:45:00Z', false],
    ['a Wednesday at 08:30, opening', '2026-03-11T12:30:00Z', true],
  ])('given %s (%s), then isOpen is %s', (_case, instant, open) => {
    expect(cochabamba.isOpen(at(instant))).toBe(open);
  });

  test('given Friday 11 September 2026 at 16:00, when one business hour is added, then it ends Tuesday 15th 09:00 (weekend and the 14th skipped)', () => {
    expect(iso(cochabamba.addBusinessTime(at('2026-09-11T20:00:00Z'), HOUR))).toBe(
      '2026-09-15T13:00:00.000Z',
    );
  });

  test('given 14 September 2025 (a Sunday), then the holiday moves to Monday the 15th', () => {
    expect(cochabamba.isOpen(at('2025-09-15T14:00:00Z'))).toBe(false);
    expect(cochabamba.isOpen(at('2025-09-16T14:00:00Z'))).toBe(true);
  });

  test('given the 40-hour answer target (5 working days), then from Monday 7 September it ends Friday 11th 16:30 and from Tuesday 8th it skips the 14th and ends Tuesday 15th 16:30', () => {
    expect(iso(cochabamba.addBusinessTime(at('2026-09-07T12:30:00Z'), 40 * HOUR))).toBe(
      '2026-09-11T20:30:00.000Z',
    );
    expect(iso(cochabamba.addBusinessTime(at('2026-09-08T12:30:00Z'), 40 * HOUR))).toBe(
      '2026-09-15T20:30:00.000Z',
    );
  });
});
