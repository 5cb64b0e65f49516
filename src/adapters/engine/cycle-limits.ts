import type { Engine } from 'bpmn-engine';
import type { DisarmedTimer } from '../../app/procedure-engine.js';
import { allPostponed } from './postponed.js';
import type { RunTracker } from './run-tracker.js';

/** Run-time caps on repeating timers (`HELPDESK_TIMER_CYCLE_MAX_FIRINGS`, `HELPDESK_TIMER_CYCLE_MIN_PERIOD_MS`). */
export interface CycleLimits {
  /** A cycle that has fired this often is not re-armed. */
  readonly maxFirings: number;
  /** A cycle whose next period is shorter than this is not re-armed. */
  readonly minPeriodMs: number;
}

export const DEFAULT_CYCLE_LIMITS: CycleLimits = { maxFirings: 1000, minPeriodMs: 60_000 };

/**
 * After a cycle timer fired, the engine re-arms it (a non-interrupting boundary event
 * restarts). A cycle that has fired `maxFirings` times, or whose next period is below
 * `minPeriodMs`, is discarded instead; the reasons go to the audit trail.
 */
export function capCycles(
  execution: Engine['execution'],
  tracker: RunTracker,
  fired: { readonly activityId: string; readonly executionId: string; readonly firings?: number },
  limits: CycleLimits,
): DisarmedTimer[] {
  const firings = (fired.firings ?? 0) + 1;
  const rearmed = tracker.armedTimers.filter(
    (timer) =>
      timer.activityId === fired.activityId &&
      timer.timerType === 'timeCycle' &&
      timer.executionId !== fired.executionId,
  );
  const disarmed: DisarmedTimer[] = [];
  for (const timer of rearmed) {
    const reason =
      firings >= limits.maxFirings
        ? `timer cycle <${timer.activityId}> fired ${firings} times (limit ${limits.maxFirings}): not re-armed`
        : timer.timeoutMs < limits.minPeriodMs
          ? `timer cycle <${timer.activityId}> period of ${timer.timeoutMs} ms is below the minimum of ${limits.minPeriodMs} ms: not re-armed`
          : undefined;
    if (!reason) continue;
    const api = allPostponed(execution.getPostponed()).find((candidate) => candidate.id === timer.activityId);
    api?.discard();
    disarmed.push({ activityId: timer.activityId, executionId: timer.executionId, reason });
  }
  return disarmed;
}
