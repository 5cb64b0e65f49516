import {
  isOpenStatus,
  type InstanceRecord,
  type OutboxMessage,
  type TaskRecord,
} from '../domain/instance.js';
import type { ProcedureCatalog } from '../domain/procedure.js';
import type { SlaClock } from '../domain/sla.js';
import { missedEscalations } from '../domain/sla/missed-escalations.js';
import type { SlaPolicy } from '../domain/sla/policy.js';
import { escalationMessages, escalationTasks, type EscalationStep } from './escalation-effects.js';

/** What a step adds to carry out the escalations whose timers were late or lost. */
export interface CaughtUpEscalations {
  readonly clocks: SlaClock[];
  readonly tasks: TaskRecord[];
  readonly outbox: OutboxMessage[];
  /** For the audit trail (`slaEscalations` on the step's event), empty when nothing was missed. */
  readonly audit: Record<string, unknown>[];
}

/**
 * Escalations of thresholds that `head`'s clocks reached without their timer having fired:
 * carried out in this very step, so a breach is escalated (or recorded as skipped because the
 * ticket closed) even when the process holding its timer died or the ticket closed first.
 */
export function catchUpEscalations(
  head: InstanceRecord,
  clocks: readonly SlaClock[],
  policy: SlaPolicy,
  catalog: ProcedureCatalog,
): CaughtUpEscalations {
  const now = head.updatedAt;
  const found = missedEscalations(clocks, policy, head.variables, isOpenStatus(head.status), now);
  const tasks: TaskRecord[] = [];
  const outbox: OutboxMessage[] = [];
  for (const missed of found.missed) {
    for (const { level, action } of missed.levels) {
      const step: EscalationStep = {
        instance: head,
        clock: missed.clock,
        level,
        threshold: missed.threshold,
        seq: head.seq,
        now,
      };
      if (action === 'escalated') tasks.push(...escalationTasks(step));
      if (action !== 'skipped-closed') outbox.push(...escalationMessages(step, catalog, missed.reachedAt));
    }
  }
  const audit = found.missed.map((missed) => ({
    clock: missed.clock.id,
    name: missed.clock.name,
    threshold: missed.threshold,
    reachedAt: missed.reachedAt,
    levels: missed.levels.map(({ level, action }) => ({
      level: level.level,
      ...(level.group ? { group: level.group } : {}),
      notify: level.notify,
      action,
    })),
  }));
  return { clocks: found.clocks, tasks, outbox, audit };
}
