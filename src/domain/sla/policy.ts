/**
 * SLA policies and escalation matrices as data (`config/sla/<procedureId>.json`).
 * A policy names the business calendar its clocks count in, the targets measured on
 * each ticket, and who is escalated to when a target is near or past.
 */

/** When a clock starts (again): at instance start, or each time an activity becomes active. */
export type SlaTrigger = { readonly instanceStarted: true } | { readonly activityActive: string };

/** When a clock stops: an activity completed (after the clock started) or the instance ended. */
export type SlaStop = { readonly activityCompleted: string } | { readonly instanceEnded: true };

/** One measured target, e.g. first response or resolution. */
export interface SlaTargetSpec {
  readonly id: string;
  readonly name: string;
  readonly start: SlaTrigger;
  readonly stop: SlaStop;
  /** The clock does not count while any of these activities is active (waiting for requester / vendor). */
  readonly pauseWhile: readonly string[];
  /** Target in business ms by severity value; `default` when the severity is unknown. */
  readonly targetMs: Readonly<Record<string, number>> & { readonly default: number };
  /** Warning threshold as a fraction of the target (0.8 = 80 %), or undefined for none. */
  readonly warnAt?: number;
  /** When the start trigger fires again after the clock stopped (re-assignment): reset or continue. */
  readonly onRestart: 'reset' | 'continue';
}

/** Who is reached at one escalation level. */
export interface EscalationLevel {
  readonly level: number;
  readonly target: string;
  readonly on: 'warning' | 'breach';
  /** Only for these severities (all when absent). */
  readonly severities?: readonly string[];
  /** Group that receives an escalation task (a lane id / candidate group). */
  readonly group?: string;
  /** Email addresses or group ids notified, rendered from `template`. */
  readonly notify: readonly string[];
  readonly template: string;
  /**
   * A threshold found reached only when the ticket is already closed (its timer was late or lost):
   * `notify` its contacts anyway (the default) or `skip`; either way the audit trail records it.
   */
  readonly whenClosed?: 'notify' | 'skip';
}

/** The SLA policy of one procedure. */
export interface SlaPolicy {
  readonly procedureId: string;
  readonly calendar: string;
  /** Instance variable holding the severity / priority that picks each target. */
  readonly severityVariable?: string;
  readonly targets: readonly SlaTargetSpec[];
  readonly escalation: readonly EscalationLevel[];
}

/** The target for the ticket's severity. */
export function targetFor(spec: SlaTargetSpec, severity: unknown): number {
  const key = typeof severity === 'string' ? severity : undefined;
  const own = key !== undefined && key !== 'default' && Object.hasOwn(spec.targetMs, key);
  return (own ? spec.targetMs[key] : undefined) ?? spec.targetMs.default;
}

/** Escalation levels triggered by a target's warning or breach, for a severity. */
export function levelsFor(
  policy: SlaPolicy,
  targetId: string,
  on: 'warning' | 'breach',
  severity: unknown,
): EscalationLevel[] {
  return policy.escalation.filter(
    (level) =>
      level.target === targetId &&
      level.on === on &&
      (!level.severities || (typeof severity === 'string' && level.severities.includes(severity))),
  );
}
