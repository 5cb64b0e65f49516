/** Service-level clocks of one ticket, as stored on the instance head (`InstanceRecord.sla`). */

/**
 * Where an SLA clock stands. `pending` until its start trigger; `running`/`paused` while
 * measured (a running clock past its target has `breachedAt`); `met`/`breached` are final, and
 * `cancelled` (the ticket was cancelled or failed while measured) has no result.
 */
export type SlaStatus = 'pending' | 'running' | 'paused' | 'met' | 'breached' | 'cancelled';

/** One SLA target being measured on one instance (e.g. first response, resolution). */
export interface SlaClock {
  /** Target id from the procedure's SLA policy, e.g. `resolution`. */
  readonly id: string;
  readonly name: string;
  readonly status: SlaStatus;
  /** Business calendar the clock counts in. */
  readonly calendarId: string;
  /** Target in business milliseconds, chosen by severity/priority. */
  readonly targetMs: number;
  /** Business milliseconds counted up to `since` (segments before the current one). */
  readonly elapsedMs: number;
  /** Start of the current running segment (absent unless running). */
  readonly since?: Date;
  /** Wall-clock instant the target is (or was) reached if the clock keeps running (absent unless running). */
  readonly dueAt?: Date;
  /** Wall-clock instant of the warning threshold (absent unless running with a warning threshold). */
  readonly warnAt?: Date;
  /** When the warning threshold was actually reached (a fact, whether or not anyone was told). */
  readonly warningReachedAt?: Date;
  /** When the target was actually reached, i.e. the real breach instant. */
  readonly breachReachedAt?: Date;
  /** When the warning escalation was carried out (by its timer, or caught up by a later step). */
  readonly warnedAt?: Date;
  /** When the breach escalation was carried out (by its timer, or caught up by a later step). */
  readonly breachedAt?: Date;
  /** Escalation levels already triggered (by level number). */
  readonly escalated: readonly number[];
  readonly startedAt?: Date;
  readonly stoppedAt?: Date;
  /** Set when stopped: positive = breached by that many business ms, zero or negative = met with that margin. */
  readonly overByMs?: number;
  /** How many times the start / stop activity had completed when the clock last started. */
  readonly startMark: number;
  readonly stopMark: number;
}

/** True for a clock that has stopped for good (until a restart trigger). */
export function isFinal(clock: SlaClock): boolean {
  return clock.status === 'met' || clock.status === 'breached' || clock.status === 'cancelled';
}
