import type { BusinessCalendar } from '../../../src/domain/calendar/business-calendar.js';
import { escalate } from '../../../src/domain/sla/escalate.js';
import { parseSlaPolicy } from '../../../src/domain/sla/parse-policy.js';
import { slaTimers, parseSlaTimer } from '../../../src/domain/sla/sla-timers.js';
import { trackClocks, type SlaFacts } from '../../../src/domain/sla/track-clocks.js';
import type { SlaClock } from '../../../src/domain/sla.js';

/** Wall-clock time is business time: the calendar maths has its own tests. */
const allHours: BusinessCalendar = {
  id: 'always',
  timeZone: 'UTC',
  isOpen: () => true,
  nextOpening: (at) => at,
  addBusinessTime: (from, ms) => new Date(from.getTime() + ms),
  businessTimeBetween: (from, to) => Math.max(0, to.getTime() - from.getTime()),
};

const policy = parseSlaPolicy(
  {
    procedureId: 'desk',
    calendar: 'always',
    severityVariable: 'severity',
    targets: [
      {
        id: 'desk',
        name: 'Specialised desk',
        start: { activityActive: 'receive' },
        stop: { activityCompleted: 'perform' },
        target: { default: 'PT30M' },
        warnAtPercent: 80,
        onRestart: 'reset',
      },
      {
        id: 'resolution',
        name: 'Resolution',
        start: { instanceStarted: true },
        stop: { instanceEnded: true },
        pauseWhile: ['wait-requester'],
        target: { high: 'PT1H', default: 'PT4H' },
        onRestart: 'continue',
      },
    ],
    escalation: [
      { level: 1, target: 'desk', on: 'warning', notify: ['desk'] },
      { level: 2, target: 'desk', on: 'breach', group: 'central', notify: ['central'] },
    ],
  },
  'inline',
);

/** The clocks only; the results are checked where they matter. */
const track = (...args: Parameters<typeof trackClocks>) => trackClocks(...args).clocks;

const T0 = Date.parse('2030-03-04T09:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const facts = (minutes: number, over: Partial<SlaFacts> = {}): SlaFacts => ({
  now: at(minutes),
  status: 'running',
  activeActivities: [],
  completedActivities: [],
  variables: {},
  ...over,
});
const clock = (clocks: readonly SlaClock[], id: string) => clocks.find((c) => c.id === id)!;

describe('SLA clocks follow the ticket', () => {
  test('given a new ticket, then the resolution clock runs from the start and the desk clock waits for its trigger', () => {
    const clocks = track(undefined, policy, allHours, facts(0, { activeActivities: ['register'] }));

    expect(clock(clocks, 'resolution')).toMatchObject({ status: 'running', targetMs: 4 * 3_600_000 });
    expect(clock(clocks, 'resolution').dueAt).toEqual(at(240));
    expect(clock(clocks, 'desk').status).toBe('pending');
    expect(slaTimers(clocks).map((t) => parseSlaTimer(t.executionId))).toEqual([
      { clockId: 'resolution', threshold: 'breach' },
    ]);
  });

  test('given the severity is classified later, then the running target follows it', () => {
    const first = track(undefined, policy, allHours, facts(0));
    const classified = track(first, policy, allHours, facts(10, { variables: { severity: 'high' } }));

    expect(clock(classified, 'resolution')).toMatchObject({ targetMs: 3_600_000, elapsedMs: 10 * 60_000 });
    expect(clock(classified, 'resolution').dueAt).toEqual(at(60));
  });

  test('given the ticket waits for the requester, then the clock pauses and keeps its elapsed time', () => {
    const first = track(undefined, policy, allHours, facts(0));
    const waiting = track(first, policy, allHours, facts(20, { activeActivities: ['wait-requester'] }));
    const back = track(waiting, policy, allHours, facts(80, { activeActivities: ['work'] }));

    expect(clock(waiting, 'resolution')).toMatchObject({ status: 'paused', elapsedMs: 20 * 60_000 });
    expect(clock(waiting, 'resolution').dueAt).toBeUndefined();
    expect(slaTimers(waiting)).toEqual([]);
    expect(clock(back, 'resolution')).toMatchObject({ status: 'running', elapsedMs: 20 * 60_000 });
    expect(clock(back, 'resolution').dueAt).toEqual(at(80 + 220));
  });

  test('given the stop activity completes in time, then the clock is met with its margin', () => {
    const assigned = track(undefined, policy, allHours, facts(0, { activeActivities: ['receive'] }));
    const done = track(
      assigned,
      policy,
      allHours,
      facts(25, { activeActivities: ['validate'], completedActivities: ['receive', 'perform'] }),
    );

    expect(clock(assigned, 'desk')).toMatchObject({ status: 'running', dueAt: at(30), warnAt: at(24) });
    expect(clock(done, 'desk')).toMatchObject({ status: 'met', overByMs: -5 * 60_000, stoppedAt: at(25) });
  });

  test('given a re-assignment after a late delivery, then a reset policy starts a fresh clock', () => {
    const assigned = track(undefined, policy, allHours, facts(0, { activeActivities: ['receive'] }));
    const late = track(
      assigned,
      policy,
      allHours,
      facts(45, { activeActivities: ['validate'], completedActivities: ['receive', 'perform'] }),
    );
    const reassigned = track(
      late,
      policy,
      allHours,
      facts(60, {
        activeActivities: ['receive'],
        completedActivities: ['receive', 'perform', 'validate', 'reassign'],
      }),
    );

    expect(clock(late, 'desk')).toMatchObject({ status: 'breached', overByMs: 15 * 60_000 });
    expect(clock(reassigned, 'desk')).toMatchObject({ status: 'running', elapsedMs: 0, startedAt: at(60) });
    expect(clock(reassigned, 'desk').dueAt).toEqual(at(90));
  });

  test('given the delivery is late and the request is re-assigned in the same step, then the breach is still recorded', () => {
    const assigned = track(undefined, policy, allHours, facts(0, { activeActivities: ['receive'] }));
    const working = track(
      assigned,
      policy,
      allHours,
      facts(10, { activeActivities: ['perform'], completedActivities: ['receive'] }),
    );
    const { clocks, results } = trackClocks(
      working,
      policy,
      allHours,
      facts(50, { activeActivities: ['receive'], completedActivities: ['receive', 'perform'] }),
    );

    expect(results).toEqual([
      { id: 'desk', status: 'breached', overByMs: 20 * 60_000, targetMs: 30 * 60_000, breachedAt: at(30) },
    ]);
    expect(clock(clocks, 'desk')).toMatchObject({ status: 'running', elapsedMs: 0, startedAt: at(50) });
  });

  test('given a severity named like an Object method, then the default target applies', () => {
    const clocks = track(undefined, policy, allHours, facts(0, { variables: { severity: 'constructor' } }));

    expect(clock(clocks, 'resolution').targetMs).toBe(4 * 3_600_000);
  });

  test('given the ticket is cancelled, then its running clocks stop without a result', () => {
    const first = track(undefined, policy, allHours, facts(0));
    const { clocks, results } = trackClocks(first, policy, allHours, facts(300, { status: 'cancelled' }));

    expect(clock(clocks, 'resolution')).toMatchObject({ status: 'cancelled', stoppedAt: at(300) });
    expect(clock(clocks, 'resolution').overByMs).toBeUndefined();
    expect(results).toEqual([]);
  });

  test('given the instance ends, then running clocks stop with their result and pending ones stay pending', () => {
    const first = track(undefined, policy, allHours, facts(0));
    const ended = track(first, policy, allHours, facts(300, { status: 'completed' }));

    expect(clock(ended, 'resolution')).toMatchObject({ status: 'breached', overByMs: 60 * 60_000 });
    expect(clock(ended, 'desk').status).toBe('pending');
    expect(slaTimers(ended)).toEqual([]);
  });
});

describe('escalation when a threshold is crossed', () => {
  const assigned = track(undefined, policy, allHours, facts(0, { activeActivities: ['receive'] }));

  test('given the warning timer, then level 1 is escalated once and the warning timer is gone', () => {
    const warned = escalate(assigned, 'desk', 'warning', policy, {}, at(24))!;

    expect(warned.levels.map((l) => l.level)).toEqual([1]);
    expect(warned.clock).toMatchObject({ warnedAt: at(24), escalated: [1] });
    expect(slaTimers(warned.clocks).map((t) => t.timerType)).toEqual(['sla-breach', 'sla-breach']);
    expect(escalate(warned.clocks, 'desk', 'warning', policy, {}, at(25))).toBeUndefined();
  });

  test('given the breach timer, then level 2 with its group is escalated', () => {
    const breached = escalate(assigned, 'desk', 'breach', policy, {}, at(30))!;

    expect(breached.levels).toEqual([expect.objectContaining({ level: 2, group: 'central' })]);
    expect(breached.clock.breachedAt).toEqual(at(30));
  });

  test('given a paused or unknown clock, then nothing is escalated', () => {
    const paused = track(assigned, policy, allHours, facts(5, { activeActivities: ['wait-requester'] }));

    expect(escalate(paused, 'resolution', 'breach', policy, {}, at(6))).toBeUndefined();
    expect(escalate(paused, 'nope', 'breach', policy, {}, at(6))).toBeUndefined();
  });
});
