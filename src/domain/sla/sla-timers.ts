import type { PendingTimer } from '../instance.js';
import type { SlaClock } from '../sla.js';

/** A clock's threshold the scheduler must wake the instance for. */
export type SlaThreshold = 'warning' | 'breach';

const PREFIX = 'sla:';

/**
 * The scheduler timers that running clocks need: one for the warning (until warned) and
 * one for the breach (until breached). The id embeds the due instant, so a clock that
 * pauses, resumes or changes target gets new timers and the old ones are cancelled.
 */
export function slaTimers(clocks: readonly SlaClock[] | undefined): PendingTimer[] {
  const timers: PendingTimer[] = [];
  for (const clock of clocks ?? []) {
    if (clock.status !== 'running') continue;
    if (clock.warnAt && !clock.warnedAt) timers.push(timer(clock, 'warning', new Date(clock.warnAt)));
    if (clock.dueAt && !clock.breachedAt) timers.push(timer(clock, 'breach', new Date(clock.dueAt)));
  }
  return timers;
}

/** True for timers made by `slaTimers` (as opposed to BPMN timer events). */
export function isSlaTimer(executionId: string): boolean {
  return executionId.startsWith(PREFIX);
}

/** The clock and threshold an SLA timer stands for, or undefined for other timers. */
export function parseSlaTimer(executionId: string): { clockId: string; threshold: SlaThreshold } | undefined {
  const match = /^sla:([^:]+):(warning|breach):\d+$/.exec(executionId);
  return match ? { clockId: match[1] as string, threshold: match[2] as SlaThreshold } : undefined;
}

function timer(clock: SlaClock, threshold: SlaThreshold, dueAt: Date): PendingTimer {
  return {
    activityId: `${PREFIX}${clock.id}`,
    executionId: `${PREFIX}${clock.id}:${threshold}:${dueAt.getTime()}`,
    dueAt,
    timerType: `sla-${threshold}`,
    value: clock.name,
  };
}
