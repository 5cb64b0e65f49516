import { SYSTEM_ACTOR } from '../domain/actor.js';
import type { InstanceRecord, OutboxMessage, TaskRecord } from '../domain/instance.js';
import type { ProcedureCatalog } from '../domain/procedure.js';
import { escalate, type Escalation } from '../domain/sla/escalate.js';
import type { EscalationLevel } from '../domain/sla/policy.js';
import { parseSlaTimer, type SlaThreshold } from '../domain/sla/sla-timers.js';
import { bookkeepingTransition, messageVariables, taskId } from './build-transition.js';
import type { DefinitionsService } from './definitions-service.js';
import type { Transition } from './ports.js';
import type { SlaPolicies } from './sla-ports.js';

/** Form agents fill in when they take an escalation task. */
export const ESCALATION_FORM = 'sla-escalation';

/**
 * Turns a due SLA timer into the escalation step: the clock records the crossed
 * threshold, each level reached gets a task for its group and notifications for its
 * contacts, and the audit trail says so.
 */
export class SlaEscalations {
  constructor(
    private readonly deps: { readonly definitions: DefinitionsService; readonly policies: SlaPolicies },
  ) {}

  /** The escalation transition for an SLA timer, or undefined when it is stale. */
  async transitionFor(
    previous: InstanceRecord,
    executionId: string,
    now: Date,
  ): Promise<Transition | undefined> {
    const timer = parseSlaTimer(executionId);
    const policy = this.deps.policies.forProcedure(previous.procedureId);
    if (!timer || !policy || !previous.sla) return undefined;
    const crossed = escalate(previous.sla, timer.clockId, timer.threshold, policy, previous.variables, now);
    if (!crossed) return undefined;
    const { catalog } = await this.deps.definitions.byId(previous.definitionId);
    const seq = previous.seq + 1;
    const tasks = crossed.levels.flatMap((level) => task(previous, crossed, level, seq, now));
    const outbox = crossed.levels.flatMap((level) =>
      messages(previous, catalog, crossed, level, timer.threshold, seq, now),
    );
    const step = { previous, catalog, actor: SYSTEM_ACTOR, now, type: `sla.${timer.threshold}` };
    const data = {
      clock: crossed.clock.id,
      name: crossed.clock.name,
      threshold: timer.threshold,
      dueAt: crossed.clock.dueAt,
      levels: crossed.levels.map((l) => ({ level: l.level, group: l.group, notify: l.notify })),
    };
    const transition = bookkeepingTransition({ ...step, data }, { openTasks: tasks, outbox });
    return {
      ...transition,
      head: {
        ...transition.head,
        sla: crossed.clocks,
        openTaskIds: [...previous.openTaskIds, ...tasks.map((t) => t.id)],
      },
    };
  }
}

function task(
  instance: InstanceRecord,
  crossed: Escalation,
  level: EscalationLevel,
  seq: number,
  now: Date,
): TaskRecord[] {
  if (!level.group) return [];
  const executionId = `esc:${crossed.clock.id}:${level.level}:${seq}`;
  return [
    {
      id: taskId(instance.id, executionId),
      instanceId: instance.id,
      procedureId: instance.procedureId,
      businessKey: instance.businessKey,
      activityId: `escalation:${crossed.clock.id}`,
      executionId,
      name: `${crossed.clock.name} · L${level.level}`,
      formKey: ESCALATION_FORM,
      candidateGroups: [level.group],
      status: 'open',
      createdAt: now,
    },
  ];
}

function messages(
  instance: InstanceRecord,
  catalog: ProcedureCatalog,
  crossed: Escalation,
  level: EscalationLevel,
  threshold: SlaThreshold,
  seq: number,
  now: Date,
): OutboxMessage[] {
  return level.notify.map((to, index) => ({
    id: `${instance.id}:${seq}:esc:${level.level}:${index}`,
    instanceId: instance.id,
    activityId: `escalation:${crossed.clock.id}`,
    template: level.template,
    to,
    language: catalog.language,
    variables: {
      ...messageVariables(instance.variables, instance.businessKey, catalog),
      taskName: crossed.clock.name,
      threshold,
      level: level.level,
      ...(crossed.clock.dueAt ? { dueAt: new Date(crossed.clock.dueAt) } : {}),
    },
    createdAt: now,
  }));
}
