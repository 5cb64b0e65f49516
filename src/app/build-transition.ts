import type { Actor } from '../domain/actor.js';
import type { InstanceRecord, OutboxMessage, PendingTimer, TaskRecord } from '../domain/instance.js';
import type { ProcedureCatalog } from '../domain/procedure.js';
import type { RunOutcome } from './procedure-engine.js';
import type { Transition, TransitionEffects } from './ports.js';

/** Ids of tasks opened by SLA escalations (`<instanceId>:esc:...`), which the engine does not know. */
export function isEscalationTask(id: string): boolean {
  return id.includes(':esc:');
}

/** What a use case knows about the step it is committing. */
export interface StepContext {
  readonly previous: InstanceRecord;
  readonly catalog: ProcedureCatalog;
  readonly actor: Actor;
  readonly now: Date;
  readonly type: string;
  readonly data: Record<string, unknown>;
  /** The task this step completed, if any (closed as completed rather than cancelled). */
  readonly completedTask?: { readonly id: string; readonly data: Record<string, unknown> };
}

/** Turns an engine run into the next transition of the instance: audit event, new head, effects. */
export function buildTransition(step: StepContext, outcome: RunOutcome): Transition {
  const { previous, now } = step;
  const seq = previous.seq + 1;
  const timers = nextTimers(previous.timers, outcome, now);
  const openTasks = newTasks(step, outcome, timers);
  const openTaskIds = [
    ...outcome.waitingTasks.map((task) => taskId(previous.id, task.executionId)),
    // Escalation tasks are not the engine's: they stay open while the instance runs.
    ...(outcome.status === 'running' ? previous.openTaskIds.filter(isEscalationTask) : []),
  ];
  const head: InstanceRecord = {
    ...previous,
    seq,
    status: outcome.status,
    engineState: outcome.engineState,
    variables: outcome.variables,
    timers,
    activeActivities: outcome.activeActivities,
    completedActivities: [...previous.completedActivities, ...outcome.completedActivities],
    openTaskIds,
    updatedAt: now,
    ...(outcome.error ? { error: outcome.error } : {}),
    ...(outcome.status !== 'running' ? { endedAt: now } : {}),
  };
  const effects: TransitionEffects = {
    openTasks,
    closeTasks: closedTasks(step, openTaskIds),
    assign: [],
    scheduleTimers: timers.filter(
      (timer) => !previous.timers.some((p) => p.executionId === timer.executionId),
    ),
    cancelTimers: previous.timers
      .filter((timer) => !timers.some((t) => t.executionId === timer.executionId))
      .map((timer) => timer.executionId),
    outbox: outboxMessages(step, outcome, seq),
  };
  const event = {
    instanceId: previous.id,
    seq,
    type: step.type,
    actor: step.actor.id,
    at: now,
    data: step.data,
  };
  return { event, head, effects };
}

/** A step that changes no engine state (claim, assign): same head, next seq. */
export function bookkeepingTransition(step: StepContext, effects: Partial<TransitionEffects>): Transition {
  const seq = step.previous.seq + 1;
  return {
    event: {
      instanceId: step.previous.id,
      seq,
      type: step.type,
      actor: step.actor.id,
      at: step.now,
      data: step.data,
    },
    head: { ...step.previous, seq, updatedAt: step.now },
    effects: {
      openTasks: [],
      closeTasks: [],
      assign: [],
      scheduleTimers: [],
      cancelTimers: [],
      outbox: [],
      ...effects,
    },
  };
}

/** A task's due instant: the earliest timer attached to its activity, if any. */
export function attachedDueAt(activityId: string, timers: readonly PendingTimer[]): Date | undefined {
  const due = timers.filter((t) => t.attachedTo === activityId).map((t) => new Date(t.dueAt).getTime());
  return due.length ? new Date(Math.min(...due)) : undefined;
}

/** The variables a message template sees: the instance's, plus the ticket number and procedure name. */
export function messageVariables(
  variables: Record<string, unknown>,
  businessKey: string,
  catalog: ProcedureCatalog,
): Record<string, unknown> {
  return { ...variables, ticketNumber: businessKey, procedureName: catalog.name };
}

/** Task ids are derived from the engine execution, so re-applying a step creates nothing twice. */
export function taskId(instanceId: string, executionId: string): string {
  return `${instanceId}:${executionId}`;
}

function nextTimers(previous: readonly PendingTimer[], outcome: RunOutcome, now: Date): PendingTimer[] {
  return outcome.armedTimers.map(({ timeoutMs, ...timer }) => {
    const known = previous.find((p) => p.executionId === timer.executionId);
    return {
      ...timer,
      dueAt: known ? new Date(known.dueAt) : new Date(now.getTime() + Math.max(0, timeoutMs)),
    };
  });
}

function newTasks(step: StepContext, outcome: RunOutcome, timers: readonly PendingTimer[]): TaskRecord[] {
  const { previous, catalog, now } = step;
  return outcome.waitingTasks
    .filter((task) => !previous.openTaskIds.includes(taskId(previous.id, task.executionId)))
    .map((task) => {
      const spec = catalog.userTasks[task.activityId];
      const due = attachedDueAt(task.activityId, timers);
      return {
        id: taskId(previous.id, task.executionId),
        instanceId: previous.id,
        procedureId: previous.procedureId,
        businessKey: previous.businessKey,
        activityId: task.activityId,
        executionId: task.executionId,
        name: spec?.name ?? task.name,
        candidateGroups: spec?.candidateGroups ?? [],
        status: 'open' as const,
        createdAt: now,
        ...(spec?.laneId ? { laneId: spec.laneId } : {}),
        ...(spec?.formKey ? { formKey: spec.formKey } : {}),
        ...(spec?.assignee ? { assignee: spec.assignee } : {}),
        ...(due ? { dueAt: due } : {}),
      };
    });
}

function closedTasks(step: StepContext, stillOpen: readonly string[]): TransitionEffects['closeTasks'] {
  return step.previous.openTaskIds
    .filter((id) => !stillOpen.includes(id))
    .map((id) =>
      id === step.completedTask?.id
        ? { id, status: 'completed' as const, at: step.now, by: step.actor.id, data: step.completedTask.data }
        : { id, status: 'cancelled' as const, at: step.now },
    );
}

function outboxMessages(step: StepContext, outcome: RunOutcome, seq: number): OutboxMessage[] {
  const { previous, catalog, now } = step;
  return outcome.sentMessages.map((sent) => {
    const spec = catalog.sendTasks[sent.activityId];
    return {
      id: `${previous.id}:${seq}:${sent.executionId}`,
      instanceId: previous.id,
      activityId: sent.activityId,
      template: spec?.template ?? sent.activityId,
      language: catalog.language,
      variables: messageVariables(outcome.variables, previous.businessKey, catalog),
      createdAt: now,
      ...(spec?.to ? { to: spec.to } : {}),
    };
  });
}
