import type { Actor } from '../domain/actor.js';
import { AppError } from '../domain/errors.js';
import type { AwaitedEvent, InstanceEvent, InstanceRecord } from '../domain/instance.js';
import { buildTransition, INCIDENT_EVENT, RETRY_EVENT, taskId } from './build-transition.js';
import type { CompletedCall } from './call-plan.js';
import type { DefinitionsService } from './definitions-service.js';
import type { Transition } from './ports.js';
import type { ProcedureEngine, RunOutcome } from './procedure-engine.js';

/** What the retry needs from the instance use cases. */
export interface IncidentRetryDeps {
  readonly definitions: DefinitionsService;
  readonly engine: ProcedureEngine;
}

/** The failed step as its incident event recorded it. */
interface FailedStep {
  readonly step: string;
  readonly stepData: Record<string, unknown>;
  readonly by: string;
}

/** The latest incident event of the instance (the step a retry runs again). */
export function lastIncident(events: readonly InstanceEvent[], instanceId: string): FailedStep {
  const event = [...events].reverse().find((e) => e.type === INCIDENT_EVENT);
  if (!event) throw new AppError('CONFLICT', `instance <${instanceId}> has no incident to retry`);
  const data = event.data as Partial<FailedStep>;
  return {
    step: String(data.step),
    stepData: (data.stepData ?? {}) as Record<string, unknown>,
    by: String(data.by),
  };
}

/**
 * Runs the failed step again from the instance's last good engine state (kept on the head
 * by the incident) and turns it into a `RETRY_EVENT` transition by the supervisor. A retry
 * that is stopped again commits a new incident naming the same step.
 */
export async function retryTransition(
  deps: IncidentRetryDeps,
  previous: InstanceRecord,
  failed: FailedStep,
  actor: Actor,
  now: Date,
): Promise<Transition> {
  const definition = await deps.definitions.byId(previous.definitionId);
  const { outcome, completedTask, completedCall } = await rerun(deps.engine, definition, previous, failed);
  const step = {
    previous,
    catalog: definition.catalog,
    actor,
    now,
    type: RETRY_EVENT,
    data: { step: failed.step, stepData: failed.stepData, by: failed.by },
    ...(completedTask ? { completedTask } : {}),
    ...(completedCall ? { completedCall } : {}),
  };
  return buildTransition(step, outcome);
}

async function rerun(
  engine: ProcedureEngine,
  definition: Parameters<ProcedureEngine['start']>[0],
  previous: InstanceRecord,
  failed: FailedStep,
): Promise<{
  outcome: RunOutcome;
  completedTask?: { id: string; data: Record<string, unknown>; by: string };
  completedCall?: CompletedCall;
}> {
  const data = failed.stepData;
  switch (failed.step) {
    case 'instance.started': {
      const variables = (data.variables ?? {}) as Record<string, unknown>;
      return {
        outcome: await engine.start(definition, { ...variables, ticketNumber: previous.businessKey }),
      };
    }
    case 'task.completed': {
      const id = String(data.taskId);
      const form = (data.data ?? {}) as Record<string, unknown>;
      const executionId = id.slice(previous.id.length + 1);
      if (taskId(previous.id, executionId) !== id || !previous.openTaskIds.includes(id)) {
        throw new AppError('TASK_NOT_OPEN', `task <${id}> is no longer open`);
      }
      const action = { kind: 'complete-task' as const, executionId, data: form };
      const outcome = await engine.resume(definition, previous.engineState, action);
      return { outcome, completedTask: { id, data: form, by: failed.by } };
    }
    case 'timer.fired': {
      const executionId = String(data.executionId);
      const timer = previous.timers.find((t) => t.executionId === executionId);
      const action = {
        kind: 'fire-timer' as const,
        activityId: String(data.activityId),
        executionId,
        firings: timer?.firings ?? 0,
      };
      return { outcome: await engine.resume(definition, previous.engineState, action) };
    }
    case 'call.completed': {
      // The called ticket had completed (ADR 0019): complete its call activity again.
      const action = {
        kind: 'complete-call' as const,
        activityId: String(data.activityId),
        executionId: String(data.executionId),
        variables: (data.variables ?? {}) as Record<string, unknown>,
      };
      const completedCall = { executionId: action.executionId, businessKey: String(data.businessKey) };
      return { outcome: await engine.resume(definition, previous.engineState, action), completedCall };
    }
    case 'message.received':
    case 'signal.received': {
      // A delivery (ADR 0018): the same catches, if the last good state still awaits them.
      const targets = ((data.targets ?? []) as AwaitedEvent[]).filter((t) =>
        (previous.awaiting ?? []).some((a) => a.executionId === t.executionId),
      );
      const name = String(data.name);
      if (!targets.length) throw new AppError('MESSAGE_NOT_AWAITED', `<${name}> is no longer awaited`);
      const event = failed.step === 'message.received' ? ('message' as const) : ('signal' as const);
      const variables = (data.variables ?? {}) as Record<string, unknown>;
      const action = { kind: 'deliver' as const, event, name, targets, variables };
      return { outcome: await engine.resume(definition, previous.engineState, action) };
    }
    default:
      return { outcome: await engine.resume(definition, previous.engineState, { kind: 'resume' }) };
  }
}
