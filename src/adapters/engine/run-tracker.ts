import { EventEmitter } from 'node:events';
import type {
  ArmedTimer,
  AwaitedEvent,
  FiredTimer,
  SentMessage,
  TaskItem,
  WaitingCall,
  WaitingTask,
} from '../../app/procedure-engine.js';
import { calledProcedure } from './procedure-call-activity.js';
import { timerDelayMs } from './timer-delay.js';
import type { StepGuard } from './step-guard.js';

interface ActivityApi {
  readonly id: string;
  readonly type: string;
  readonly name?: string;
  readonly executionId: string;
  readonly content: Record<string, unknown> & {
    parent?: { executionId?: string };
    attachedTo?: { id?: string };
  };
}

const WAITING_TYPES = new Set(['bpmn:UserTask', 'bpmn:ManualTask']);

/**
 * Listens to one engine run and keeps what the runner must persist: waiting user
 * tasks, armed timers (re-announced by the engine on every resume), fired timers
 * and the activities completed in this run.
 */
export class RunTracker {
  readonly listener = new EventEmitter();
  readonly sent: SentMessage[] = [];
  /** Variables set by `camunda:inputOutput` mappings in this run (input-output.ts). */
  readonly assigned: Record<string, unknown> = {};
  private readonly waiting = new Map<string, WaitingTask>();
  private readonly timers = new Map<string, ArmedTimer & { ownerExecutionId: string }>();
  private readonly fired: FiredTimer[] = [];
  private readonly completed: string[] = [];
  /** Per waiting execution, the executions of the sub-processes around it. */
  private readonly enclosing = new Map<string, string[]>();
  private readonly awaited = new Map<string, AwaitedEvent>();
  private readonly called = new Map<string, WaitingCall>();

  /** With a guard, every activity start is charged to the step's budget. */
  constructor(guard?: StepGuard) {
    if (guard) {
      this.listener.on('activity.start', (api: ActivityApi) =>
        guard.charge(api.id, false, api.content.parent?.executionId),
      );
    }
    this.listener.on('activity.wait', (api: ActivityApi) => this.onWait(api));
    this.listener.on('activity.timer', (api: ActivityApi) => this.onTimer(api));
    // A call activity announces its call on every run it waits through (ADR 0019).
    this.listener.on('activity.call', (api: ActivityApi) => this.onCall(api));
    this.listener.on('activity.timeout', (api: ActivityApi) => this.onTimeout(api));
    this.listener.on('activity.end', (api: ActivityApi) => this.completed.push(api.id));
    this.listener.on('activity.leave', (api: ActivityApi) => this.onLeave(api));
  }

  get waitingTasks(): WaitingTask[] {
    return [...this.waiting.values()];
  }

  get armedTimers(): ArmedTimer[] {
    return [...this.timers.values()].map(({ ownerExecutionId: _owner, ...timer }) => timer);
  }

  get firedTimers(): FiredTimer[] {
    return [...this.fired];
  }

  /** Message and signal catches waiting at the end of the run (re-announced on every resume). */
  get awaiting(): AwaitedEvent[] {
    return [...this.awaited.values()];
  }

  /** Call activities waiting for their called ticket at the end of the run. */
  get calls(): WaitingCall[] {
    return [...this.called.values()];
  }

  get completedActivities(): string[] {
    return [...this.completed];
  }

  /**
   * Forgets a task the runner completed by a delegated signal: the engine listener never
   * hears a multi-instance iteration leave.
   */
  release(executionId: string): void {
    this.waiting.delete(executionId);
    this.called.delete(executionId);
  }

  private onWait(api: ActivityApi): void {
    this.enclosing.set(api.executionId, enclosingExecutions(api));
    const awaited = awaitedOf(api);
    if (awaited) this.awaited.set(api.executionId, awaited);
    if (!WAITING_TYPES.has(api.type)) return;
    const item = itemOf(api);
    this.waiting.set(api.executionId, {
      activityId: api.id,
      executionId: api.executionId,
      name: api.name ?? api.id,
      ...(item ? { item } : {}),
    });
  }

  private onTimer(api: ActivityApi): void {
    const content = api.content;
    const timerType = String(content.timerType ?? 'timeDuration');
    const value = String(content[timerType] ?? '');
    this.timers.set(api.executionId, {
      activityId: api.id,
      executionId: api.executionId,
      ownerExecutionId: content.parent?.executionId ?? api.executionId,
      timerType,
      value,
      timeoutMs: timerDelayMs(timerType, value, Number(content.timeout ?? 0), dateOf(content.startedAt)),
      // bpmn-elements 17 gives the attached activity's id as a plain string.
      ...(typeof content.attachedTo === 'string' ? { attachedTo: content.attachedTo } : {}),
    });
  }

  private onTimeout(api: ActivityApi): void {
    if (this.timers.delete(api.executionId))
      this.fired.push({ activityId: api.id, executionId: api.executionId });
  }

  private onCall(api: ActivityApi): void {
    const calledElement = api.content.calledElement;
    this.called.set(api.executionId, {
      activityId: api.id,
      executionId: api.executionId,
      calledElement: calledProcedure(typeof calledElement === 'string' ? calledElement : ''),
    });
  }

  private onLeave(api: ActivityApi): void {
    this.called.delete(api.executionId);
    for (const key of this.called.keys()) {
      if (key.startsWith(`${api.executionId}_`)) this.called.delete(key);
    }
    this.awaited.delete(api.executionId);
    this.waiting.delete(api.executionId);
    // A sub-process left early (error, escalation, terminate) takes its waits along: their own
    // leave is never heard when the interruption runs inside their completion (issue 16).
    for (const [key, ancestors] of this.enclosing) {
      if (key !== api.executionId && !ancestors.includes(api.executionId)) continue;
      this.enclosing.delete(key);
      this.waiting.delete(key);
      this.awaited.delete(key);
    }
    // Iterations of a multi-instance activity end with it (`<executionId>_<index>`).
    for (const key of this.waiting.keys()) {
      if (key.startsWith(`${api.executionId}_`)) this.waiting.delete(key);
    }
    for (const [key, timer] of this.timers) {
      if (timer.ownerExecutionId === api.executionId) this.timers.delete(key);
    }
  }
}

/** The item of a multi-instance iteration (`content.index` is 0-based), else undefined. */
function itemOf(api: ActivityApi): TaskItem | undefined {
  const { isMultiInstance, index, loopCardinality } = api.content;
  if (!isMultiInstance || typeof index !== 'number' || !Number.isInteger(index) || index < 0)
    return undefined;
  const count = Number(loopCardinality);
  return { index: index + 1, ...(Number.isInteger(count) && count > index ? { count } : {}) };
}

/** Execution ids of the sub-processes around an activity, innermost first. */
function enclosingExecutions(api: ActivityApi): string[] {
  const parent = api.content.parent as
    | { executionId?: unknown; path?: readonly { executionId?: unknown }[] }
    | undefined;
  return [parent?.executionId, ...(parent?.path ?? []).map((p) => p.executionId)].filter(
    (id): id is string => typeof id === 'string',
  );
}

/** The message or signal a waiting catch names (`content.message` / `content.signal` of its wait), if any. */
function awaitedOf(api: ActivityApi): AwaitedEvent | undefined {
  const message = (api.content.message ?? api.content.signal) as
    | { id?: unknown; name?: unknown; messageType?: unknown }
    | undefined;
  const kind = message?.messageType;
  if (typeof message?.id !== 'string' || (kind !== 'message' && kind !== 'signal')) return undefined;
  const name = typeof message.name === 'string' && message.name ? message.name : message.id;
  return { kind, name, refId: message.id, activityId: api.id, executionId: api.executionId };
}

function dateOf(value: unknown): Date | undefined {
  return typeof value === 'string' || typeof value === 'number' || value instanceof Date
    ? new Date(value)
    : undefined;
}
