import type { FaultInjector, FaultPoint } from '../../app/fault-points.js';

/**
 * Kills this process with SIGKILL (no shutdown hook runs) when the work reaches `point`, with
 * the given probability: how a chaos run cuts a step between its commit and its effects, or a
 * delivery between the SMTP accept and its record. Wired only when HELPDESK_FAULT_KILL_AT is set.
 */
export function killAtFaultPoint(point: FaultPoint, probability: number): FaultInjector {
  return {
    reached(reachedPoint) {
      if (reachedPoint === point && Math.random() < probability) process.kill(process.pid, 'SIGKILL');
    },
  };
}
