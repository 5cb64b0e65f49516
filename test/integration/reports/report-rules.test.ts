import { csvCell, toCsv } from '../../../src/domain/reports/csv.js';
import { parseReportDimensions } from '../../../src/domain/reports/dimensions.js';
import {
  advanceFacts,
  MAX_VISITS,
  type ReportStep,
  type TicketFacts,
} from '../../../src/domain/reports/facts.js';
import { computeReport, percentile } from '../../../src/domain/reports/figures.js';
import {
  monthsOfPeriod,
  nextBucketMonth,
  periodOf,
  shiftPeriod,
} from '../../../src/domain/reports/period.js';
import { bareFacts } from './bare-facts.js';

const at = (iso: string) => new Date(iso);

function step(
  seq: number,
  type: string,
  actor: string,
  when: string,
  head: Partial<ReportStep['head']> = {},
): ReportStep {
  return {
    event: { instanceId: 'i1', seq, type, actor, at: at(when), data: {} },
    head: {
      id: 'i1',
      procedureId: 'complaints',
      definitionId: 'complaints@3',
      businessKey: 'REC-2030-000001',
      engineVersion: 'x',
      seq,
      startedAt: at('2030-03-01T08:00:00Z'),
      startedBy: 'ana',
      updatedAt: at(when),
      status: 'running',
      variables: { channel: 'phone', involvedService: 'Urgencias' },
      timers: [],
      activeActivities: [],
      completedActivities: [],
      openTaskIds: [],
      ...head,
    },
    effects: { openTasks: [] },
  };
}

function withData(s: ReportStep, data: Record<string, unknown>): ReportStep {
  return { ...s, event: { ...s.event, data } };
}

describe('reporting rules (pure)', () => {
  test('given CSV cells starting with = + - @ or holding quotes and line breaks, then they are quoted and defused', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(undefined)).toBe('');
    expect(toCsv(['a', 'b'], [[1, 'x']])).toBe('\uFEFFa,b\r\n1,x\r\n');
  });

  test('given the reportDimensions property, then variables and labels are read and mistakes named', () => {
    expect(parseReportDimensions('involvedService=Servicio involucrado; category')).toEqual({
      dimensions: [
        { variable: 'involvedService', label: 'Servicio involucrado' },
        { variable: 'category', label: 'category' },
      ],
    });
    expect(parseReportDimensions(undefined)).toEqual({});
    expect(parseReportDimensions('a=A; a=B').problem).toContain('"a" twice');
    expect(parseReportDimensions('1x=Bad').problem).toContain('"1x=Bad"');
  });

  test('given a ticket worked, reassigned, escalated and surveyed, then its facts fold every step and re-folding is stable', () => {
    const dims = [{ variable: 'involvedService', label: 'Servicio' }];
    let facts: TicketFacts | undefined;
    const steps = [
      step(1, 'instance.started', 'ana', '2030-03-01T08:00:00Z', { activeActivities: ['identify'] }),
      // A supervisor takes the task from the agent holding it: a reassignment (2026-11-29 rule).
      step(2, 'task.unclaimed', 'sofia', '2030-03-01T08:10:00Z', { activeActivities: ['identify'] }),
      {
        ...step(3, 'task.completed', 'luis', '2030-03-01T09:00:00Z', { activeActivities: ['recommend'] }),
        effects: { openTasks: [{ id: 't2', candidateGroups: ['involved-service'] }] },
      },
      // The warning hands the ticket to a level with a group: a real escalation.
      withData(
        step(4, 'sla.warning', 'system:timer', '2030-03-01T10:00:00Z', { activeActivities: ['recommend'] }),
        {
          levels: [{ level: 2, group: 'l2', notify: [] }],
        },
      ),
      step(5, 'task.completed', 'marta', '2030-03-01T12:00:00Z', {
        status: 'completed',
        endedAt: at('2030-03-01T12:00:00Z'),
        variables: {
          channel: 'phone',
          involvedService: 'Urgencias',
          satisfaction: { rating: 4, comment: 'ok', at: '2030-03-02T09:00:00Z', via: 'web' },
        },
      }),
    ];
    for (const s of steps) facts = advanceFacts(facts, s, dims);
    expect(facts).toMatchObject({
      seq: 5,
      version: 3,
      channel: 'phone',
      dims: { involvedService: 'Urgencias' },
      firstResponseAt: Date.parse('2030-03-01T09:00:00Z'),
      resolvedAt: Date.parse('2030-03-01T12:00:00Z'),
      closedAt: Date.parse('2030-03-01T12:00:00Z'),
      reassignments: 1,
      escalations: 1,
      agents: ['luis', 'marta'],
      groups: ['involved-service'],
      satisfaction: { rating: 4, at: Date.parse('2030-03-02T09:00:00Z'), via: 'web' },
      visits: [
        { a: 'identify', in: Date.parse('2030-03-01T08:00:00Z'), out: Date.parse('2030-03-01T09:00:00Z') },
        { a: 'recommend', in: Date.parse('2030-03-01T09:00:00Z'), out: Date.parse('2030-03-01T12:00:00Z') },
      ],
    });
    expect(advanceFacts(undefined, steps[0]!, dims)).toEqual(advanceFacts(undefined, steps[0]!, dims));
  });

  test('given a ticket looping through one step, then its visits stop at the bound', () => {
    let facts: TicketFacts | undefined;
    for (let seq = 1; seq <= 2 * MAX_VISITS + 4; seq++) {
      const active = seq % 2 ? ['follow-up'] : ['wait'];
      facts = advanceFacts(
        facts,
        step(seq, 'timer.fired', 'system:timer', new Date(Date.UTC(2030, 0, 1, 0, seq)).toISOString(), {
          activeActivities: active,
        }),
        [],
      );
    }
    expect(facts!.visits).toHaveLength(MAX_VISITS);
  });

  test('given numbers, then percentiles use the nearest rank', () => {
    expect(percentile([40, 180, 60, 110], 50)).toBe(60);
    expect(percentile([40, 180, 60, 110], 90)).toBe(180);
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });

  test('given satisfaction answers, then the average and response rate count closed tickets only', () => {
    const tickets: TicketFacts[] = [
      bareFacts('a', 1, 0, { status: 'completed', closedAt: 10, satisfaction: { rating: 5 } }),
      bareFacts('b', 1, 0, { status: 'completed', closedAt: 10, satisfaction: { rating: 2 } }),
      bareFacts('c', 1, 0, { status: 'completed', closedAt: 10 }),
      bareFacts('d', 1, 0, { satisfaction: { rating: 1 } }),
    ];
    const { total } = computeReport(tickets, { from: 0, to: 100, groupBy: 'none' });
    expect(total.satisfaction).toBe(3.5);
    expect(total.surveyed).toEqual({ count: 2, of: 3, rate: 2 / 3 });
    expect(total.backlog).toBe(1);
  });

  test('given periods in a zone, then bounds, keys, navigation and month buckets follow local time', () => {
    const week = periodOf('week', '2030-03-13', 'Europe/Rome');
    expect(week).toMatchObject({ key: '2030-W11', firstDay: '2030-03-11', lastDay: '2030-03-17' });
    expect(week.from.toISOString()).toBe('2030-03-10T23:00:00.000Z');
    const month = periodOf('month', '2030-03-31', 'Europe/Rome');
    expect(month.to.toISOString()).toBe('2030-03-31T22:00:00.000Z'); // summer time began on the 31st
    expect(shiftPeriod(month, -1, 'Europe/Rome').key).toBe('2030-02');
    expect(monthsOfPeriod(month, 'Europe/Rome')).toEqual(['2030-03']);
    expect(monthsOfPeriod(month, 'UTC')).toEqual(['2030-02', '2030-03']);
    expect([nextBucketMonth('2030-03'), nextBucketMonth('2030-12')]).toEqual(['2030-04', '2031-01']);
    const custom = periodOf('custom', '2030-01-30', 'UTC', '2030-02-02');
    expect(custom.key).toBe('2030-01-30..2030-02-02');
    expect(shiftPeriod(custom, 1, 'UTC').key).toBe('2030-02-03..2030-02-06');
    expect(() => periodOf('custom', '2030-01-01', 'UTC', '2031-06-01')).toThrow(/<to>/);
    expect(() => periodOf('day', '2030-02-30', 'UTC')).toThrow(/<from>/);
  });
});
