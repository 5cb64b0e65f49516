import type { Actor } from '../domain/actor.js';
import type { AttachmentRef } from '../domain/conversation.js';
import { isAttachmentRef } from '../domain/forms/file-refs.js';
import type { InstanceRecord, OutboxMessage, PendingTimer, TaskRecord } from '../domain/instance.js';
import type { ProcedureCatalog } from '../domain/procedure.js';
import { taskAssignee, taskDate, userCandidate } from '../domain/sla/camunda-task.js';
import { planCalls, type CompletedCall } from './call-plan.js';
import type { RunOutcome, StepIncident } from './procedure-engine.js';
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
  /**
   * The task this step completed, if any (closed as completed rather than cancelled);
   * `by` names who completed it when that is not the step's actor (a retried completion).
   */
  readonly completedTask?: {
    readonly id: string;
    readonly data: Record<string, unknown>;
    readonly by?: string;
  };
  /** The call activity this step completed because its called ticket ended (ADR 0019). */
  readonly completedCall?: CompletedCall;
}

/** Audit type of a supervisor's retry; its data names the step retried (`step`, `stepData`). */
export const RETRY_EVENT = 'instance.retried';
/** Audit type of a step the engine stopped; its data says why and what the step was. */
export const INCIDENT_EVENT = 'instance.incident';

/** Turns an engine run into the next transition of the instance: audit event, new head, effects. */
export function buildTransition(step: StepContext, outcome: RunOutcome): Transition {
  if (outcome.status === 'incident') return incidentTransition(step, outcome);
  const plan = planCalls(step, outcome);
  if (plan.refused)
    return incidentTransition(step, { ...outcome, status: 'incident', incident: plan.refused });
  const { previous, now } = step;
  const seq = previous.seq + 1;
  const timers = nextTimers(previous.timers, outcome, now);
  const openTasks = newTasks(step, outcome, timers);
  const openTaskIds = [
    ...outcome.waitingTasks.map((task) => taskId(previous.id, task.executionId)),
    // Escalation tasks are not the engine's: they stay open while the instance runs.
    ...(outcome.status === 'running' ? previous.openTaskIds.filter(isEscalationTask) : []),
  ];
  // A retried step clears the incident's error (an engine failure sets its own).
  // What the instance awaits is the engine's answer of this run (ADR 0018), never the previous one.
  const { error: _previousError, awaiting: _previousAwaiting, ...kept } = previous;
  const head: InstanceRecord = {
    ...kept,
    seq,
    status: outcome.status,
    engineState: outcome.engineState,
    variables: outcome.variables,
    timers,
    activeActivities: outcome.activeActivities,
    completedActivities: [...previous.completedActivities, ...outcome.completedActivities],
    openTaskIds,
    updatedAt: now,
    ...(outcome.status === 'running' && outcome.awaiting?.length ? { awaiting: outcome.awaiting } : {}),
    ...(plan.calls.length ? { calls: plan.calls } : {}),
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
    ...(plan.effects ? { calls: plan.effects } : {}),
  };
  const disarmed = (outcome.disarmedTimers ?? []).map(({ activityId, reason }) => ({ activityId, reason }));
  const event = {
    instanceId: previous.id,
    seq,
    type: step.type,
    actor: step.actor.id,
    at: now,
    data: disarmed.length ? { ...step.data, notRearmed: disarmed } : step.data,
  };
  return { event, head, effects };
}

/**
 * A step the engine stopped (budget, refused script, stack overflow): nothing it computed
 * is kept. The head keeps its last good engine state, tasks and timers, its status becomes
 * `incident` with the reason, and the audit event records the step (type and data) so a
 * supervisor can retry it (`RETRY_EVENT`) or cancel the instance.
 */
export function incidentTransition(step: StepContext, outcome: RunOutcome): Transition {
  const incident: StepIncident = outcome.incident ?? { activityId: '', reason: outcome.error ?? 'stopped' };
  const retried = step.type === RETRY_EVENT;
  const failed = {
    step: retried ? String(step.data.step) : step.type,
    stepData: retried ? step.data.stepData : step.data,
    by: retried ? String(step.data.by) : step.actor.id,
  };
  const transition = bookkeepingTransition(
    {
      ...step,
      type: INCIDENT_EVENT,
      data: { activityId: incident.activityId, reason: incident.reason, ...failed },
    },
    {},
  );
  return { ...transition, head: { ...transition.head, status: 'incident', error: incident.reason } };
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
    const firings = known?.firings ?? cycleFirings(timer, previous, outcome);
    return {
      ...timer,
      dueAt: known ? new Date(known.dueAt) : new Date(now.getTime() + Math.max(0, timeoutMs)),
      ...(firings ? { firings } : {}),
    };
  });
}

/** A cycle re-armed after it fired in this step counts one firing more than the arming that fired. */
function cycleFirings(
  timer: { readonly activityId: string; readonly timerType: string },
  previous: readonly PendingTimer[],
  outcome: RunOutcome,
): number {
  if (timer.timerType !== 'timeCycle') return 0;
  const fired = outcome.firedTimers.find((f) => f.activityId === timer.activityId);
  const before = fired && previous.find((p) => p.executionId === fired.executionId);
  return before ? (before.firings ?? 0) + 1 : 0;
}

function newTasks(step: StepContext, outcome: RunOutcome, timers: readonly PendingTimer[]): TaskRecord[] {
  const { previous, catalog, now } = step;
  return outcome.waitingTasks
    .filter((task) => !previous.openTaskIds.includes(taskId(previous.id, task.executionId)))
    .map((task) => {
      const spec = catalog.userTasks[task.activityId];
      // camunda:dueDate replaces the first reminder as the task's due date (ADR 0031).
      const dueDate = taskDate(spec?.dueDate, outcome.variables, now);
      const due = dueDate ?? attachedDueAt(task.activityId, timers);
      const followUpAt = taskDate(spec?.followUpDate, outcome.variables, now);
      const assignee = taskAssignee(spec?.assignee, outcome.variables);
      const users = (spec?.candidateUsers ?? []).map(userCandidate);
      return {
        id: taskId(previous.id, task.executionId),
        instanceId: previous.id,
        procedureId: previous.procedureId,
        businessKey: previous.businessKey,
        activityId: task.activityId,
        executionId: task.executionId,
        name: spec?.name ?? task.name,
        candidateGroups: [...(spec?.candidateGroups ?? []), ...users],
        status: 'open' as const,
        createdAt: now,
        ...(spec?.laneId ? { laneId: spec.laneId } : {}),
        ...(spec?.formKey ? { formKey: spec.formKey } : {}),
        ...(assignee ? { assignee } : {}),
        ...(due ? { dueAt: due } : {}),
        ...(dueDate ? { dueSource: 'dueDate' as const } : {}),
        ...(followUpAt ? { followUpAt } : {}),
        ...(task.item ? { item: task.item } : {}),
      };
    });
}

function closedTasks(step: StepContext, stillOpen: readonly string[]): TransitionEffects['closeTasks'] {
  return step.previous.openTaskIds
    .filter((id) => !stillOpen.includes(id))
    .map((id) =>
      id === step.completedTask?.id
        ? {
            id,
            status: 'completed' as const,
            at: step.now,
            by: step.completedTask.by ?? step.actor.id,
            data: step.completedTask.data,
          }
        : { id, status: 'cancelled' as const, at: step.now },
    );
}

function outboxMessages(step: StepContext, outcome: RunOutcome, seq: number): OutboxMessage[] {
  const { previous, catalog, now } = step;
  // A send task without a template is not catalogued: it sends no email (issue 16).
  return outcome.sentMessages.flatMap((sent) => {
    const spec = catalog.sendTasks[sent.activityId];
    if (!spec) return [];
    return {
      id: `${previous.id}:${seq}:${sent.executionId}`,
      instanceId: previous.id,
      activityId: sent.activityId,
      template: spec.template,
      language: catalog.language,
      variables: messageVariables(outcome.variables, previous.businessKey, catalog),
      createdAt: now,
      ...(spec.to ? { to: spec.to } : {}),
      ...mailedFiles(spec.attach, outcome.variables),
    };
  });
}

/** The public files a send task's `attach` variable holds (docs/adr/0032); internal ones are never mailed. */
function mailedFiles(
  attach: string | undefined,
  variables: Record<string, unknown>,
): { attachments?: AttachmentRef[] } {
  if (!attach || !Object.hasOwn(variables, attach)) return {};
  const value = variables[attach];
  const refs = (Array.isArray(value) ? value.slice(0, 10) : [value]).filter(isAttachmentRef);
  const visible = refs.filter((ref) => ref.visibility === 'public');
  return visible.length > 0 ? { attachments: visible } : {};
}

/** What cancelling an instance leaves: nothing waits any more, so its called tickets are cancelled too. */
export function cancelledOutcome(previous: InstanceRecord): RunOutcome {
  return {
    status: 'cancelled',
    engineState: previous.engineState,
    variables: previous.variables,
    waitingTasks: [],
    armedTimers: [],
    firedTimers: [],
    sentMessages: [],
    completedActivities: [],
    activeActivities: [],
  };
}
