import type { AwaitedEvent, PendingTimer } from '../domain/instance.js';

export type { AwaitedEvent };

/** A user task the engine is waiting on. */
export interface WaitingTask {
  readonly activityId: string;
  readonly executionId: string;
  readonly name: string;
  /** An item of a multi-instance task: 1-based index, and the item count when known (ADR 0031). */
  readonly item?: TaskItem;
}

/** Which item of a multi-instance user task a task is. */
export interface TaskItem {
  readonly index: number;
  readonly count?: number;
}

/** A send task the engine passed through during a run. */
export interface SentMessage {
  readonly activityId: string;
  readonly executionId: string;
}

/** A timer that completed during a run, by the scheduler (`fired`) or by the engine on resume (`expired`). */
export interface FiredTimer {
  readonly activityId: string;
  readonly executionId: string;
}

/** A timer armed during a run; `timeoutMs` is relative to the moment it was armed. */
export type ArmedTimer = Omit<PendingTimer, 'dueAt'> & { readonly timeoutMs: number };

/** Why a step was stopped (its budget, a refused script, a stack overflow): the activity and the rule. */
export interface StepIncident {
  readonly activityId: string;
  readonly reason: string;
}

/** A repeating timer the engine re-armed and the runner discarded (fired too often, period too short). */
export interface DisarmedTimer {
  readonly activityId: string;
  readonly executionId: string;
  readonly reason: string;
}

/** Everything a run of the engine produced, up to its next wait. */
export interface RunOutcome {
  /**
   * `cancelled` is only produced by the runner's callers, never by the engine. `incident`: the
   * step was stopped; it carries no engine state and the instance keeps its last good one.
   */
  readonly status: 'running' | 'completed' | 'failed' | 'cancelled' | 'incident';
  readonly error?: string;
  readonly incident?: StepIncident;
  readonly engineState: unknown;
  readonly variables: Record<string, unknown>;
  readonly waitingTasks: readonly WaitingTask[];
  readonly armedTimers: readonly ArmedTimer[];
  readonly firedTimers: readonly FiredTimer[];
  /** Cycle timers re-armed by the engine and discarded by the runner's caps (fire-timer steps). */
  readonly disarmedTimers?: readonly DisarmedTimer[];
  readonly sentMessages: readonly SentMessage[];
  /** Messages and signals the instance waits for after the run (absent: none). */
  readonly awaiting?: readonly AwaitedEvent[];
  /** Call activities waiting for their called ticket after the run (absent: none; ADR 0019). */
  readonly calls?: readonly WaitingCall[];
  readonly completedActivities: readonly string[];
  readonly activeActivities: readonly string[];
}

/** What to do to a recovered instance. */
export type EngineAction =
  | { readonly kind: 'complete-task'; readonly executionId: string; readonly data: Record<string, unknown> }
  | {
      readonly kind: 'fire-timer';
      readonly activityId: string;
      readonly executionId: string;
      /** How often this timer (a cycle) fired before. */
      readonly firings?: number;
    }
  | DeliverAction
  | CompleteCallAction
  | { readonly kind: 'resume' };

/** A call activity waiting for the ticket it calls; `calledElement` is the procedure id. */
export interface WaitingCall {
  readonly activityId: string;
  readonly executionId: string;
  readonly calledElement: string;
}

/** Completes a waiting call activity (its called ticket ended); `variables` (out-mappings) are merged in. */
export interface CompleteCallAction {
  readonly kind: 'complete-call';
  readonly activityId: string;
  readonly executionId: string;
  readonly variables: Record<string, unknown>;
}

/**
 * Delivers a message or signal to catches the instance awaits (ADR 0018): each target is an
 * entry of the head's `awaiting` (its execution id); `variables` are merged into the instance.
 */
export interface DeliverAction {
  readonly kind: 'deliver';
  readonly event: 'message' | 'signal';
  readonly name: string;
  readonly targets: readonly AwaitedEvent[];
  readonly variables: Record<string, unknown>;
}

/** The definition source the engine runs (one deployed version). */
export interface EngineDefinition {
  readonly id: string;
  readonly xml: string;
}

/** Port to the BPMN engine. Implementations keep no instance in memory between calls. */
export interface ProcedureEngine {
  /** The engine's version, recorded on every instance. */
  readonly version: string;
  /** Starts an instance and runs it to its first wait. */
  start(definition: EngineDefinition, variables: Record<string, unknown>): Promise<RunOutcome>;
  /** Recovers an instance from its state, applies the action and runs to the next wait. */
  resume(definition: EngineDefinition, engineState: unknown, action: EngineAction): Promise<RunOutcome>;
}
