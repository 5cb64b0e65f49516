import type { BusinessCalendar } from '../../../src/domain/calendar/business-calendar.js';
import { missedEscalations } from '../../../src/domain/sla/missed-escalations.js';
import { parseSlaPolicy } from '../../../src/domain/sla/parse-policy.js';
import { slaTimers } from '../../../src/domain/sla/sla-timers.js';
import { trackClocks, type SlaFacts } from '../../../src/domain/sla/track-clocks.js';

/** Wall-clock time is business time: the calendar maths has its own tests. */
const allHours: BusinessCalendar = {
  id: 'always',
  timeZone: 'UTC',
  isOpen: () => true,
  nextOpening: (at) => at,
  addBusinessTime: (from, ms) => new Date(from.getTime() + ms),
  businessTimeBetween: (from, to) => Math.max(0, to.getTime() - from.getTime()),
};

const policyWith = (whenClosed?: 'notify' | 'skip') =>
  parseSlaPolicy(
    {
      procedureId: 'desk',
      calendar: 'always',
      targets: [
        {
          id: 'resolution',
          name: 'Resolution',
          start: { instanceStarted: true },
          stop: { activityCompleted: 'resolve' },
          target: { default: 'PT30M' },
          warnAtPercent: 80,
        },
      ],
      escalation: [
        { level: 1, target: 'resolution', on: 'warning', notify: ['desk'] },
        {
          level: 2,
          target: 'resolution',
          on: 'breach',
          group: 'l2',
          notify: ['l2'],
          ...(whenClosed ? { whenClosed } : {}),
        },
      ],
    },
    'inline',
  );

const T0 = Date.parse('2030-03-04T09:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const facts = (minutes: number, over: Partial<SlaFacts> = {}): SlaFacts => ({
  now: at(minutes),
  status: 'running',
  activeActivities: ['resolve'],
  completedActivities: [],
  variables: {},
  ...over,
});

/** A ticket opened at T0 whose resolution clock runs (warning at 24 min, breach at 30 min). */
const opened = () => trackClocks(undefined, policyWith(), allHours, facts(0)).clocks;

describe('thresholds reached without their timer firing', () => {
  test('given no timer fired, when the ticket is resolved 45 minutes in, then the result is breached at the real breach instant', () => {
    const closed = trackClocks(
      opened(),
      policyWith(),
      allHours,
      facts(45, { completedActivities: ['resolve'] }),
    );

    expect(closed.results).toEqual([
      {
        id: 'resolution',
        status: 'breached',
        overByMs: 15 * 60_000,
        targetMs: 30 * 60_000,
        breachedAt: at(30),
      },
    ]);
    expect(closed.clocks[0]).toMatchObject({ warningReachedAt: at(24), breachReachedAt: at(30) });
  });

  test('given a clock resolved in time, then no breach instant is recorded', () => {
    const closed = trackClocks(
      opened(),
      policyWith(),
      allHours,
      facts(20, { completedActivities: ['resolve'] }),
    );

    expect(closed.results).toEqual([
      { id: 'resolution', status: 'met', overByMs: -10 * 60_000, targetMs: 30 * 60_000 },
    ]);
    expect(closed.clocks[0]?.breachReachedAt).toBeUndefined();
  });

  test('given the ticket is still open after both thresholds, then both escalations are carried out now, task included, and no timer is left for them', () => {
    const later = trackClocks(opened(), policyWith(), allHours, facts(31)).clocks;

    const { clocks, missed } = missedEscalations(later, policyWith(), {}, true, at(31));

    expect(
      missed.map((m) => [m.threshold, m.reachedAt, m.levels.map((l) => [l.level.level, l.action])]),
    ).toEqual([
      ['warning', at(24), [[1, 'escalated']]],
      ['breach', at(30), [[2, 'escalated']]],
    ]);
    expect(clocks[0]).toMatchObject({ warnedAt: at(31), breachedAt: at(31), escalated: [1, 2] });
    expect(slaTimers(clocks)).toEqual([]);
  });

  test('given the ticket closed after the breach, then contacts are notified but no task is opened, or the level is skipped when the matrix says so', () => {
    const closedFacts = facts(45, { status: 'completed' });
    const notify = trackClocks(opened(), policyWith(), allHours, closedFacts).clocks;
    const skip = trackClocks(opened(), policyWith('skip'), allHours, closedFacts).clocks;

    const notified = missedEscalations(notify, policyWith(), {}, false, at(45)).missed;
    const skipped = missedEscalations(skip, policyWith('skip'), {}, false, at(45)).missed;

    expect(notified.map((m) => m.levels.map((l) => l.action))).toEqual([['notified'], ['notified']]);
    expect(skipped.map((m) => m.levels.map((l) => l.action))).toEqual([['notified'], ['skipped-closed']]);
  });

  test('given the escalation already ran by its timer, then nothing is missed', () => {
    const later = trackClocks(opened(), policyWith(), allHours, facts(31)).clocks;
    const done = later.map((clock) => ({
      ...clock,
      warnedAt: at(24),
      breachedAt: at(30),
      escalated: [1, 2],
    }));

    expect(missedEscalations(done, policyWith(), {}, true, at(31)).missed).toEqual([]);
  });

  test('given a ticket cancelled after the breach, then every level is recorded as skipped', () => {
    const cancelled = trackClocks(
      opened(),
      policyWith(),
      allHours,
      facts(45, { status: 'cancelled' }),
    ).clocks;

    const { missed } = missedEscalations(cancelled, policyWith(), {}, false, at(45));

    expect(missed.flatMap((m) => m.levels.map((l) => l.action))).toEqual([
      'skipped-closed',
      'skipped-closed',
    ]);
  });

  test('given a policy level with an unknown whenClosed, then the policy is refused naming the field', () => {
    expect(() =>
      parseSlaPolicy(
        { ...JSON.parse(JSON.stringify({ procedureId: 'x', calendar: 'c', targets: [] })), escalation: [] },
        'ok',
      ),
    ).not.toThrow();
    expect(() =>
      parseSlaPolicy(
        {
          procedureId: 'x',
          calendar: 'c',
          targets: [
            {
              id: 't',
              start: { instanceStarted: true },
              stop: { instanceEnded: true },
              target: { default: 'PT1H' },
            },
          ],
          escalation: [{ level: 1, target: 't', on: 'breach', notify: ['a'], whenClosed: 'later' }],
        },
        'bad.json',
      ),
    ).toThrow(/escalation\[0\]\.whenClosed: must be "notify" or "skip"/);
  });
});

describe('a ticket stopped in an incident', () => {
  test('given an incident, then its clocks keep counting and a breach is escalated as for an open ticket', () => {
    const stuck = trackClocks(opened(), policyWith(), allHours, facts(10, { status: 'incident' }));

    expect(stuck.results).toEqual([]);
    expect(stuck.clocks[0]).toMatchObject({ status: 'running', elapsedMs: 10 * 60_000 });

    const later = trackClocks(stuck.clocks, policyWith(), allHours, facts(31, { status: 'incident' })).clocks;
    const { missed } = missedEscalations(later, policyWith(), {}, true, at(31));
    expect(missed.flatMap((m) => m.levels.map((l) => l.action))).toEqual(['escalated', 'escalated']);
  });
});
