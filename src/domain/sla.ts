/** Service-level clocks of one ticket, as stored on the instance head (`InstanceRecord.sla`). */

/** Where an SLA clock stands. `met`/`breached` are final and set when the clock stops. */
export type SlaStatus = 'pending' | 'running' | 'paused' | 'met' | 'breached';

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
  /** Start of the current running segment (absent while pending or paused). */
  readonly since?: Date;
  /** Wall-clock instant the target is breached if the clock keeps running (absent unless running). */
  readonly dueAt?: Date;
  /** Wall-clock instant of the warning threshold (absent unless running and not yet warned). */
  readonly warnAt?: Date;
  /** Escalation levels already triggered (by level number). */
  readonly escalated: readonly number[];
  readonly startedAt?: Date;
  readonly stoppedAt?: Date;
  /** Set when stopped: positive = breached by that many business ms, negative = met with that margin. */
  readonly overByMs?: number;
}
