import type { PendingTimer } from '../domain/instance.js';

/** A user task the engine is waiting on. */
export interface WaitingTask {
  readonly activityId: string;
  readonly executionId: string;
  readonly name: string;
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

/** Everything a run of the engine produced, up to its next wait. */
export interface RunOutcome {
  /** `cancelled` is only produced by the runner itself, never by the engine. */
  readonly status: 'running' | 'completed' | 'failed' | 'cancelled';
  readonly error?: string;
  readonly engineState: unknown;
  readonly variables: Record<string, unknown>;
  readonly waitingTasks: readonly WaitingTask[];
  readonly armedTimers: readonly ArmedTimer[];
  readonly firedTimers: readonly FiredTimer[];
  readonly sentMessages: readonly SentMessage[];
  readonly completedActivities: readonly string[];
  readonly activeActivities: readonly string[];
}

/** What to do to a recovered instance. */
export type EngineAction =
  | { readonly kind: 'complete-task'; readonly executionId: string; readonly data: Record<string, unknown> }
  | { readonly kind: 'fire-timer'; readonly activityId: string; readonly executionId: string }
  | { readonly kind: 'resume' };

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
