import {
  dashboardFigures,
  isOverdue,
  median,
  nextDue,
  weekOf,
  type HeadSummary,
} from '../../src/app/monitoring-figures.js';
import { parseInstanceSearch, toListFilter } from '../../src/app/instance-search.js';
import type { SlaClock } from '../../src/domain/sla.js';
import { thrown } from '../support/errors.js';

const HOUR = 3_600_000;
/** Wednesday 2030-03-06 12:00 in Madrid (11:00 UTC). */
const NOW = new Date('2030-03-06T11:00:00Z');
const ZONE = 'Europe/Madrid';
const at = (iso: string) => new Date(iso);

function head(overrides: Partial<HeadSummary> & Pick<HeadSummary, 'id'>): HeadSummary {
  return {
    procedureId: 'cita-report',
    definitionId: 'cita-report@1',
    status: 'running',
    timers: [],
    activeActivities: [],
    startedAt: at('2030-03-01T09:00:00Z'),
    ...overrides,
  };
}

function clock(overrides: Partial<SlaClock>): SlaClock {
  return {
    id: 'resolution',
    name: 'Resolution',
    status: 'running',
    calendarId: 'office',
    targetMs: 4 * HOUR,
    elapsedMs: 0,
    escalated: [],
    startMark: 1,
    stopMark: 0,
    ...overrides,
  };
}

const timer = (dueAt: Date) => ({
  activityId: 't',
  executionId: 't_0',
  dueAt,
  timerType: 'timeDuration',
  value: 'PT1H',
});
const labels = {
  procedureName: (id: string) => ({ 'cita-report': 'Citas', complaints: 'Reclamos' })[id] ?? id,
  activityName: (_definitionId: string, activityId: string) => `step ${activityId}`,
};

describe('what an instance waits on next', () => {
  test('given timers and SLA clocks, then the earliest pending timer or running clock is next due', () => {
    const due = nextDue({
      timers: [timer(at('2030-03-06T15:00:00Z'))],
      sla: [
        clock({ dueAt: at('2030-03-06T13:00:00Z') }),
        clock({ id: 'met', status: 'met', dueAt: at('2030-03-01T00:00:00Z') }),
        clock({ id: 'paused', status: 'paused' }),
      ],
    });

    expect(due).toEqual(at('2030-03-06T13:00:00Z'));
  });

  test('given nothing pending, then nothing is due and the instance is not overdue', () => {
    expect(nextDue({ timers: [] })).toBeUndefined();
    expect(
      isOverdue({ timers: [], sla: [clock({ status: 'breached', dueAt: at('2030-01-01T00:00:00Z') })] }, NOW),
    ).toBe(false);
  });

  test('given a running clock past due, then the instance is overdue; a timer due later is not', () => {
    expect(isOverdue({ timers: [], sla: [clock({ dueAt: at('2030-03-06T10:59:59Z') })] }, NOW)).toBe(true);
    expect(isOverdue({ timers: [timer(at('2030-03-06T11:00:01Z'))] }, NOW)).toBe(false);
  });
});

describe('weeks and medians', () => {
  test('given a Wednesday in Madrid, then the week runs Monday 00:00 to Monday 00:00 local time', () => {
    expect(weekOf(NOW, ZONE)).toEqual({ start: at('2030-03-03T23:00:00Z'), end: at('2030-03-10T23:00:00Z') });
  });

  test('given Sunday 23:30 local time (Monday UTC would differ), then it still belongs to the local week', () => {
    const sundayNight = at('2030-03-10T22:30:00Z');
    expect(weekOf(sundayNight, ZONE).start).toEqual(at('2030-03-03T23:00:00Z'));
    expect(weekOf(sundayNight, 'UTC').start).toEqual(at('2030-03-04T00:00:00Z'));
  });

  test.each([
    [[], undefined],
    [[5], 5],
    [[9, 1, 5], 5],
    [[4, 1, 3, 2], 2.5],
  ])('given %j, then the median is %s', (values, expected) => {
    expect(median(values)).toBe(expected);
  });
});

describe('dashboard figures from a known set of heads', () => {
  const heads: HeadSummary[] = [
    // open, waiting in two steps, overdue by its SLA clock, opened this week
    head({
      id: 'a',
      activeActivities: ['register', 'notify', 'register'],
      startedAt: at('2030-03-04T08:00:00Z'),
      sla: [clock({ dueAt: at('2030-03-06T10:00:00Z') })],
    }),
    // open, not overdue, opened last week
    head({ id: 'b', activeActivities: ['register'], timers: [timer(at('2030-03-07T10:00:00Z'))] }),
    // open complaint, opened Monday 00:30 local time (Sunday 23:30 UTC): this week
    head({
      id: 'c',
      procedureId: 'complaints',
      definitionId: 'complaints@2',
      activeActivities: ['follow-up'],
      startedAt: at('2030-03-03T23:30:00Z'),
    }),
    // opened and completed this week, after 2 h
    head({
      id: 'd',
      status: 'completed',
      startedAt: at('2030-03-05T08:00:00Z'),
      endedAt: at('2030-03-05T10:00:00Z'),
    }),
    // completed last week after 6 h
    head({
      id: 'e',
      status: 'completed',
      startedAt: at('2030-02-25T08:00:00Z'),
      endedAt: at('2030-02-25T14:00:00Z'),
    }),
    // completed this week after 30 h (started last week)
    head({
      id: 'f',
      status: 'completed',
      startedAt: at('2030-03-02T08:00:00Z'),
      endedAt: at('2030-03-03T14:00:00Z'),
    }),
    // cancelled this week: closed, but not in the median
    head({
      id: 'g',
      procedureId: 'complaints',
      status: 'cancelled',
      startedAt: at('2030-02-20T08:00:00Z'),
      endedAt: at('2030-03-06T09:00:00Z'),
    }),
  ];
  const figures = dashboardFigures(heads, { now: NOW, timeZone: ZONE, labels });

  test('then open tickets are counted by procedure and by step, each ticket once per step', () => {
    expect(figures.open).toBe(3);
    expect(figures.openByProcedure).toEqual([
      { key: 'cita-report', label: 'Citas', count: 2 },
      { key: 'complaints', label: 'Reclamos', count: 1 },
    ]);
    expect(figures.openByStep).toEqual([
      { key: 'cita-report:register', label: 'step register · Citas', count: 2 },
      { key: 'complaints:follow-up', label: 'step follow-up · Reclamos', count: 1 },
      { key: 'cita-report:notify', label: 'step notify · Citas', count: 1 },
    ]);
  });

  test('then states are tabled per procedure', () => {
    expect(figures.byProcedureAndState).toEqual([
      {
        procedureId: 'cita-report',
        name: 'Citas',
        counts: { running: 2, completed: 3, cancelled: 0, failed: 0 },
        total: 5,
      },
      {
        procedureId: 'complaints',
        name: 'Reclamos',
        counts: { running: 1, completed: 0, cancelled: 1, failed: 0 },
        total: 2,
      },
    ]);
  });

  test('then overdue, opened and closed this week (local week) and the median time to close are right', () => {
    expect(figures.overdue).toBe(1);
    expect(figures.openedThisWeek).toBe(3); // a, c, d
    expect(figures.closedThisWeek).toBe(2); // d and g; f ended Sunday 15:00 local, last week
    expect(figures.medianTimeToCloseMs).toBe(6 * HOUR); // of 2 h, 6 h, 30 h
    expect(figures.completedSeen).toBe(3);
    expect(figures.scanned).toBe(7);
  });

  test('given no heads, then every figure is zero and there is no median', () => {
    const empty = dashboardFigures([], { now: NOW, timeZone: ZONE, labels });
    expect(empty).toMatchObject({
      open: 0,
      overdue: 0,
      openedThisWeek: 0,
      closedThisWeek: 0,
      completedSeen: 0,
    });
    expect(empty.medianTimeToCloseMs).toBeUndefined();
  });
});

describe('instance list filters', () => {
  test('given days in Madrid, then from is local midnight and to is inclusive', () => {
    const search = parseInstanceSearch(
      { from: '2030-03-01', to: '2030-03-06', overdue: '1', ticket: ' CITA ', page: '2' },
      ZONE,
    );
    const filter = toListFilter(search, ZONE, NOW);

    expect(filter).toEqual({
      startedFrom: at('2030-02-28T23:00:00Z'),
      startedBefore: at('2030-03-06T23:00:00Z'),
      overdueAt: NOW,
      businessKeyContains: 'CITA',
      skip: 25,
      limit: 26,
    });
  });

  test('given empty parameters, then nothing is filtered and the first page is asked', () => {
    expect(
      toListFilter(parseInstanceSearch({ procedure: '', status: '', from: '' }, ZONE), ZONE, NOW),
    ).toEqual({
      skip: 0,
      limit: 26,
    });
  });

  test('given bad values, then every bad field is reported', () => {
    const error = thrown(() =>
      parseInstanceSearch(
        { status: 'open', from: '2030-02-30', to: 'yesterday', ticket: 'x'.repeat(65), page: '0' },
        ZONE,
      ),
    );

    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.map((issue) => [issue.path, issue.reason])).toEqual([
      ['status', 'enum'],
      ['ticket', 'maxLength'],
      ['from', 'date'],
      ['to', 'date'],
      ['page', 'range'],
    ]);
  });

  test('given an end before the start, then the range is refused', () => {
    const error = thrown(() => parseInstanceSearch({ from: '2030-03-06', to: '2030-03-01' }, ZONE));
    expect(error.details).toEqual([expect.objectContaining({ path: 'to', reason: 'range' })]);
  });
});
