import type { InstanceRecord, OutboxMessage, TaskRecord } from '../domain/instance.js';
import type { ProcedureCatalog } from '../domain/procedure.js';
import type { SlaClock } from '../domain/sla.js';
import type { EscalationLevel } from '../domain/sla/policy.js';
import type { SlaThreshold } from '../domain/sla/sla-timers.js';
import { messageVariables, taskId } from './build-transition.js';

/** Form agents fill in when they take an escalation task. */
export const ESCALATION_FORM = 'sla-escalation';

/** One escalation level reached by one clock at one step (`seq`) of an instance. */
export interface EscalationStep {
  readonly instance: InstanceRecord;
  readonly clock: SlaClock;
  readonly level: EscalationLevel;
  readonly threshold: SlaThreshold;
  readonly seq: number;
  readonly now: Date;
}

/** The escalation task for the level's group, if it names one. */
export function escalationTasks(step: EscalationStep): TaskRecord[] {
  const { instance, clock, level, seq, now } = step;
  if (!level.group) return [];
  const executionId = `esc:${clock.id}:${level.level}:${seq}`;
  return [
    {
      id: taskId(instance.id, executionId),
      instanceId: instance.id,
      procedureId: instance.procedureId,
      businessKey: instance.businessKey,
      activityId: `escalation:${clock.id}`,
      executionId,
      name: `${clock.name} · L${level.level}`,
      formKey: ESCALATION_FORM,
      candidateGroups: [level.group],
      status: 'open',
      createdAt: now,
    },
  ];
}

/** The notices to the level's contacts, rendered later from its template in the procedure's language. */
export function escalationMessages(
  step: EscalationStep,
  catalog: ProcedureCatalog,
  dueAt: Date | undefined,
): OutboxMessage[] {
  const { instance, clock, level, threshold, seq, now } = step;
  return level.notify.map((to, index) => ({
    id: `${instance.id}:${seq}:esc:${clock.id}:${level.level}:${index}`,
    instanceId: instance.id,
    activityId: `escalation:${clock.id}`,
    template: level.template,
    to,
    language: catalog.language,
    variables: {
      ...messageVariables(instance.variables, instance.businessKey, catalog),
      taskName: clock.name,
      threshold,
      level: level.level,
      ...(dueAt ? { dueAt: new Date(dueAt) } : {}),
    },
    createdAt: now,
  }));
}
