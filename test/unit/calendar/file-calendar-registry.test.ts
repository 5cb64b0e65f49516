import { FileCalendarRegistry } from '../../../src/adapters/calendar/file-calendar-registry.js';
import { thrown, rejection } from '../../support/errors.js';
import { at } from './calendars.js';

const FIXTURES = 'test/fixtures/calendars';

describe('loading the calendars of config/calendars/', () => {
  let registry: FileCalendarRegistry;
  beforeAll(async () => {
    registry = await FileCalendarRegistry.load('config/calendars');
  });

  test('given the repository config, then every calendar the SLA policies name is there', () => {
    expect(registry.list().map((c) => c.id)).toEqual([
      'always-open',
      'bolivia-cochabamba',
      'bolivia-la-paz',
      'chile-office',
      'cita-mexico',
      'radiology-24x7',
      'tuscany-gp',
      'tuscany-gp-base',
      'tuscany-gp-extended',
    ]);
    expect(registry.has('tuscany-gp')).toBe(true);
    expect(registry.get('cita-mexico').timeZone).toBe('America/Mexico_City');
  });

  test.each([
    ['cita-mexico', 'Benito Juárez day, Monday 2026-03-16 11:00', '2026-03-16T17:00:00Z', false],
    ['cita-mexico', 'a normal Monday 11:00', '2026-03-09T17:00:00Z', true],
    ['bolivia-la-paz', 'Carnival Monday 2026-02-16', '2026-02-16T14:00:00Z', false],
    ['bolivia-la-paz', 'the La Paz anniversary (16 July, a regional holiday)', '2026-07-16T14:00:00Z', false],
    ['bolivia-la-paz', 'Friday 17 July 10:00', '2026-07-17T14:00:00Z', true],
    ['chile-office', 'a Wednesday 10:00', '2026-03-11T13:00:00Z', true],
    [
      'tuscany-gp',
      'the national San Francesco day (2026-10-05 is a Monday; the 4th a Sunday)',
      '2026-10-05T08:00:00Z',
      true,
    ],
    ['always-open', 'New Year at midnight', '2026-12-31T23:00:00Z', true],
  ])('given %s on %s, then isOpen is %s', (id, _case, instant, open) => {
    expect(registry.get(id).isOpen(at(instant))).toBe(open);
  });

  test('given an unknown id, then CALENDAR_NOT_FOUND names it', () => {
    expect(registry.has('nope')).toBe(false);
    expect(thrown(() => registry.get('nope'))).toMatchObject({
      code: 'CALENDAR_NOT_FOUND',
      message: 'calendar <nope> not found',
    });
  });
});

describe('loading a broken calendar folder', () => {
  test('given a file with a bad zone and an unknown weekday, then CALENDAR_INVALID names the file and lists both', async () => {
    const error = await rejection(FileCalendarRegistry.load(`${FIXTURES}/registry-broken`));

    expect(error.code).toBe('CALENDAR_INVALID');
    expect(error.message).toContain('zz-broken.json');
    expect(error.details.map((d) => d.path)).toEqual(['timeZone', 'weekly.funday']);
  });

  test('given a country date-holidays does not know, then CALENDAR_INVALID names the file', async () => {
    const error = await rejection(FileCalendarRegistry.load(`${FIXTURES}/registry-unknown-country`));

    expect(error).toMatchObject({
      code: 'CALENDAR_INVALID',
      message: expect.stringContaining('nowhere.json'),
    });
    expect(error.details).toEqual([expect.objectContaining({ path: 'holidays.country' })]);
  });

  test('given two files with the same id, then both files are named', async () => {
    const error = await rejection(FileCalendarRegistry.load(`${FIXTURES}/registry-duplicate`));

    expect(error).toMatchObject({
      code: 'CALENDAR_INVALID',
      message: 'calendar <office> is defined twice, in a.json and b.json',
    });
  });

  test('given a file that is not JSON, then it is refused naming the file', async () => {
    const error = await rejection(FileCalendarRegistry.load(`${FIXTURES}/registry-not-json`));

    expect(error).toMatchObject({
      code: 'CALENDAR_INVALID',
      message: expect.stringContaining('half-written.json'),
    });
  });

  test('given a folder that does not exist, then the registry is empty', async () => {
    expect((await FileCalendarRegistry.load(`${FIXTURES}/missing`)).list()).toEqual([]);
  });
});
