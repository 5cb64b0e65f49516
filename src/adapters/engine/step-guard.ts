import type { StepIncident } from '../../app/procedure-engine.js';

/** Bounds on the work one engine step (start, complete-task, fire-timer, resume) may do. */
export interface EngineBudget {
  /** Activity and multi-instance iteration starts allowed in one step. */
  readonly maxActivities: number;
  /** Wall time one step may take, checked at every activity start. */
  readonly maxStepMs: number;
  /**
   * Starts of one activity in one scope (process, sub-process or iteration execution)
   * allowed in one step. No script runs and no variable changes between two waits, so an
   * activity entered this often without a wait is in a loop.
   */
  readonly maxVisits: number;
}

/** The defaults (`HELPDESK_ENGINE_MAX_ACTIVITIES`, `HELPDESK_ENGINE_MAX_STEP_MS`). */
export const DEFAULT_BUDGET: EngineBudget = { maxActivities: 2000, maxStepMs: 2000, maxVisits: 100 };

/**
 * Thrown inside the engine's synchronous burst to unwind it: bpmn-elements runs a
 * whole step on one call stack, so stopping the engine is not enough to leave it.
 */
export class StepAborted extends Error {
  constructor(readonly incident: StepIncident) {
    super(incident.reason);
    this.name = 'StepAborted';
  }
}

/**
 * Counts the work of one engine step and stops it when a bound is crossed. Once
 * tripped it stays tripped: every later charge throws again, so an engine that
 * swallowed the first throw still cannot make progress.
 */
export class StepGuard {
  private startedAt = Date.now();
  private starts = 0;
  private readonly visits = new Map<string, number>();
  private last = '';
  private tripped?: StepIncident;

  constructor(private readonly budget: EngineBudget) {}

  get incident(): StepIncident | undefined {
    return this.tripped;
  }

  /** The last activity that started (named by a stack overflow's incident). */
  get lastActivityId(): string {
    return this.last;
  }

  /** Starts the step's clock (loading the definition is not the step's work). */
  begin(): void {
    this.startedAt = Date.now();
  }

  /**
   * One activity (or one iteration of a multi-instance activity) starts; `scope` is the
   * execution it runs in, so the items of a multi-instance sub-process are not a loop.
   */
  charge(activityId: string, iteration: boolean, scope = ''): void {
    if (this.tripped) throw new StepAborted(this.tripped);
    this.last = activityId;
    const { maxActivities, maxStepMs, maxVisits } = this.budget;
    if (++this.starts > maxActivities) {
      this.trip(
        activityId,
        `activity <${activityId}>: more than ${maxActivities} activity starts in one step`,
      );
    }
    const key = `${activityId} ${scope}`;
    const visits = iteration ? 0 : (this.visits.get(key) ?? 0) + 1;
    if (!iteration) this.visits.set(key, visits);
    if (visits > maxVisits) {
      this.trip(
        activityId,
        `activity <${activityId}> started more than ${maxVisits} times in one step: a loop without a wait state`,
      );
    }
    const elapsed = Date.now() - this.startedAt;
    if (elapsed > maxStepMs) {
      this.trip(activityId, `activity <${activityId}>: step ran for more than ${maxStepMs} ms`);
    }
  }

  /** Stops the step for a reason of its own (a refused script). */
  trip(activityId: string, reason: string): never {
    this.tripped ??= { activityId, reason };
    throw new StepAborted(this.tripped);
  }

  /** Records a failure the engine raised outside the guard (a stack overflow). */
  fail(reason: string): StepIncident {
    this.tripped ??= { activityId: this.last, reason };
    return this.tripped;
  }
}
