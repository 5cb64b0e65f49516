/**
 * Named instants in the middle of a piece of work where a chaos run may stop the process
 * (`scripts/chaos`): right after a step's commit, before its effects; right after the SMTP
 * server accepted a message, before the result is recorded. Production wires none.
 */
export type FaultPoint = 'after-commit' | 'after-smtp';

/** The fault points a chaos run cares about. */
export const FAULT_POINTS: readonly FaultPoint[] = ['after-commit', 'after-smtp'];

/** Told when the work reaches a fault point. */
export interface FaultInjector {
  reached(point: FaultPoint): void;
}
