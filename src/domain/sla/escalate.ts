import type { SlaClock } from '../sla.js';
import { levelsFor, type EscalationLevel, type SlaPolicy } from './policy.js';
import type { SlaThreshold } from './sla-timers.js';

/** Outcome of a clock crossing a threshold. */
export interface Escalation {
  readonly clocks: SlaClock[];
  /** Levels reached now (never one already escalated for this clock). */
  readonly levels: EscalationLevel[];
  readonly clock: SlaClock;
}

/**
 * Marks the threshold as crossed on the clock and picks the escalation levels it
 * triggers for the ticket's severity. Undefined when the clock is not running or has
 * already crossed that threshold (a late or duplicate timer).
 */
export function escalate(
  clocks: readonly SlaClock[],
  clockId: string,
  threshold: SlaThreshold,
  policy: SlaPolicy,
  variables: Readonly<Record<string, unknown>>,
  now: Date,
): Escalation | undefined {
  const clock = clocks.find((c) => c.id === clockId);
  if (!clock || clock.status !== 'running') return undefined;
  if (threshold === 'warning' ? clock.warnedAt : clock.breachedAt) return undefined;
  const severity = policy.severityVariable ? variables[policy.severityVariable] : undefined;
  const on = threshold === 'warning' ? 'warning' : 'breach';
  const levels = levelsFor(policy, clockId, on, severity).filter((l) => !clock.escalated.includes(l.level));
  const crossed: SlaClock = {
    ...clock,
    ...(threshold === 'warning' ? { warnedAt: now } : { breachedAt: now }),
    escalated: [...clock.escalated, ...levels.map((l) => l.level)],
  };
  return { clocks: clocks.map((c) => (c.id === clockId ? crossed : c)), levels, clock: crossed };
}
