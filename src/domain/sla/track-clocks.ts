import type { BusinessCalendar } from '../calendar/business-calendar.js';
import { isOpenStatus, type InstanceStatus } from '../instance.js';
import { isFinal, type SlaClock } from '../sla.js';
import { targetFor, type SlaPolicy, type SlaTargetSpec } from './policy.js';

/** What the clocks look at after a step of the instance. */
export interface SlaFacts {
  readonly now: Date;
  readonly status: InstanceStatus;
  readonly activeActivities: readonly string[];
  /** Every activity completion so far, in order (repeats count). */
  readonly completedActivities: readonly string[];
  readonly variables: Readonly<Record<string, unknown>>;
}

/** A clock's result, recorded when it stops (even if it restarts in the same step). */
export interface SlaResult {
  readonly id: string;
  readonly status: 'met' | 'breached';
  readonly overByMs: number;
  readonly targetMs: number;
  /** The real breach instant, when breached. */
  readonly breachedAt?: Date;
}

/** The clocks after a step, and the results of those that stopped in it. */
export interface TrackedClocks {
  readonly clocks: SlaClock[];
  readonly results: SlaResult[];
}

/** Advances every clock of the policy to `facts.now`: start, pause, resume, stop, restart. */
export function trackClocks(
  previous: readonly SlaClock[] | undefined,
  policy: SlaPolicy,
  calendar: BusinessCalendar,
  facts: SlaFacts,
): TrackedClocks {
  const severity = policy.severityVariable ? facts.variables[policy.severityVariable] : undefined;
  const results: SlaResult[] = [];
  const clocks = policy.targets.map((spec) => {
    const before = previous?.find((clock) => clock.id === spec.id) ?? pendingClock(spec, policy.calendar);
    const clock = step(before, spec, calendar, facts, severity, (result) => results.push(result));
    return schedule(clock, spec, calendar);
  });
  return { clocks, results };
}

function pendingClock(spec: SlaTargetSpec, calendarId: string): SlaClock {
  return {
    id: spec.id,
    name: spec.name,
    status: 'pending',
    calendarId,
    targetMs: spec.targetMs.default,
    elapsedMs: 0,
    escalated: [],
    startMark: -1,
    stopMark: 0,
  };
}

function step(
  clock: SlaClock,
  spec: SlaTargetSpec,
  calendar: BusinessCalendar,
  facts: SlaFacts,
  severity: unknown,
  record: (result: SlaResult) => void,
): SlaClock {
  const targetMs = isFinal(clock) ? clock.targetMs : targetFor(spec, severity);
  let next = settle(withThresholdsReached({ ...clock, targetMs }, facts.now), calendar, facts.now);
  if (isMeasuring(next) && (facts.status === 'cancelled' || facts.status === 'failed')) {
    return withoutResult(next, facts.now);
  }
  // An incident leaves the ticket open: its clocks keep counting until it is retried or cancelled.
  if (isMeasuring(next) && (stopReached(spec, next, facts) || !isOpenStatus(facts.status))) {
    next = stopped(next, facts.now);
    const status = next.status === 'breached' ? 'breached' : 'met';
    const breachedAt = status === 'breached' ? next.breachReachedAt : undefined;
    record({
      id: next.id,
      status,
      overByMs: next.overByMs ?? 0,
      targetMs: next.targetMs,
      ...(breachedAt ? { breachedAt: new Date(breachedAt) } : {}),
    });
  }
  if (facts.status === 'running' && (next.status === 'pending' || isFinal(next))) {
    const mark = startTriggered(spec, next, facts);
    if (mark !== undefined) next = started(next, spec, facts, mark, targetFor(spec, severity));
  }
  if (isMeasuring(next)) {
    const paused = spec.pauseWhile.some((id) => facts.activeActivities.includes(id));
    const since = paused ? undefined : (next.since ?? facts.now);
    next = withSegment({ ...next, status: paused ? 'paused' : 'running' }, since);
  }
  return next;
}

function isMeasuring(clock: SlaClock): boolean {
  return clock.status === 'running' || clock.status === 'paused';
}

/** Folds the running segment up to `now` into `elapsedMs` and opens a new one at `now`. */
function settle(clock: SlaClock, calendar: BusinessCalendar, now: Date): SlaClock {
  if (clock.status !== 'running' || !clock.since) return clock;
  const elapsedMs = clock.elapsedMs + calendar.businessTimeBetween(new Date(clock.since), now);
  return { ...clock, elapsedMs, since: now };
}

function stopReached(spec: SlaTargetSpec, clock: SlaClock, facts: SlaFacts): boolean {
  if (!('activityCompleted' in spec.stop)) return false;
  return countOf(facts.completedActivities, spec.stop.activityCompleted) > clock.stopMark;
}

/**
 * Records the thresholds a running clock reached since the last step, at the instants they were
 * due (`warnAt` / `dueAt` were computed for the segment now ending), so a breach is a fact of the
 * record even when no timer fired in time.
 */
function withThresholdsReached(clock: SlaClock, now: Date): SlaClock {
  if (clock.status !== 'running') return clock;
  const reached = (at: Date | undefined) => (at && new Date(at) <= now ? new Date(at) : undefined);
  const warning = clock.warningReachedAt ? undefined : reached(clock.warnAt);
  const breach = clock.breachReachedAt ? undefined : reached(clock.dueAt);
  return {
    ...clock,
    ...(warning ? { warningReachedAt: warning } : {}),
    ...(breach ? { breachReachedAt: breach } : {}),
  };
}

function stopped(clock: SlaClock, now: Date): SlaClock {
  const overByMs = clock.elapsedMs - clock.targetMs;
  const { since: _s, dueAt: _d, warnAt: _w, ...rest } = clock;
  const breached = overByMs > 0;
  // A target changed mid-segment leaves no due instant behind: the stop is the latest it can be.
  const breachReachedAt = breached ? (clock.breachReachedAt ?? clock.dueAt ?? now) : undefined;
  return {
    ...rest,
    status: breached ? 'breached' : 'met',
    stoppedAt: now,
    overByMs,
    ...(breachReachedAt ? { breachReachedAt: new Date(breachReachedAt) } : {}),
  };
}

/** A ticket cancelled (or failed) while measured: the service level was neither met nor breached. */
function withoutResult(clock: SlaClock, now: Date): SlaClock {
  const { since: _s, dueAt: _d, warnAt: _w, ...rest } = clock;
  return { ...rest, status: 'cancelled', stoppedAt: now };
}

/** The start mark to record when the start trigger fired since the clock last started, else undefined. */
function startTriggered(spec: SlaTargetSpec, clock: SlaClock, facts: SlaFacts): number | undefined {
  if ('instanceStarted' in spec.start) return clock.status === 'pending' ? 0 : undefined;
  const id = spec.start.activityActive;
  const completions = countOf(facts.completedActivities, id);
  const active = facts.activeActivities.includes(id);
  return active && completions !== clock.startMark ? completions : undefined;
}

function started(
  clock: SlaClock,
  spec: SlaTargetSpec,
  facts: SlaFacts,
  startMark: number,
  targetMs: number,
): SlaClock {
  const stopMark =
    'activityCompleted' in spec.stop ? countOf(facts.completedActivities, spec.stop.activityCompleted) : 0;
  const fresh = clock.status === 'pending' || spec.onRestart === 'reset';
  const base = fresh ? pendingClock(spec, clock.calendarId) : clock;
  const { stoppedAt: _s, overByMs: _o, ...kept } = base;
  return {
    ...kept,
    status: 'running',
    targetMs,
    since: facts.now,
    startedAt: fresh ? facts.now : (clock.startedAt ?? facts.now),
    startMark,
    stopMark,
  };
}

function withSegment(clock: SlaClock, since: Date | undefined): SlaClock {
  const { since: _s, ...rest } = clock;
  return since ? { ...rest, since } : rest;
}

/** Sets `dueAt` / `warnAt` of a running clock; a paused or final one has neither. */
function schedule(clock: SlaClock, spec: SlaTargetSpec, calendar: BusinessCalendar): SlaClock {
  const { dueAt: _d, warnAt: _w, ...rest } = clock;
  if (clock.status !== 'running' || !clock.since) return rest;
  const since = new Date(clock.since);
  const due = calendar.addBusinessTime(since, Math.max(0, clock.targetMs - clock.elapsedMs));
  const warnMs = spec.warnAt === undefined ? undefined : clock.targetMs * spec.warnAt;
  const warn =
    warnMs === undefined ? undefined : calendar.addBusinessTime(since, Math.max(0, warnMs - clock.elapsedMs));
  return { ...rest, dueAt: due, ...(warn ? { warnAt: warn } : {}) };
}

function countOf(list: readonly string[], id: string): number {
  return list.reduce((n, item) => (item === id ? n + 1 : n), 0);
}
