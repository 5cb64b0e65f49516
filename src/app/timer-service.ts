import { SYSTEM_ACTOR } from '../domain/actor.js';
import type { Clock } from '../domain/clock.js';
import { isAppError } from '../domain/errors.js';
import type { InstanceRecord } from '../domain/instance.js';
import { buildTransition } from './build-transition.js';
import type { DefinitionsService } from './definitions-service.js';
import type { InstanceLog } from './instance-log.js';
import type { ProcedureEngine } from './procedure-engine.js';
import type { InstanceStore, TimerScheduler } from './ports.js';
import type { SlaEscalations } from './sla-escalations.js';
import { isSlaTimer } from '../domain/sla/sla-timers.js';

/** What a scheduler job carries to identify one arming of one timer. */
export interface TimerJob {
  readonly instanceId: string;
  readonly activityId: string;
  readonly executionId: string;
}

/** Result of handling a due timer job. */
export type FireResult = 'fired' | 'stale' | 'conflict';

/**
 * Fires due timers (SLA escalations). Jobs may arrive late, twice, or after the
 * timer was disarmed: only a job matching a timer the instance still waits on
 * fires it, and the instance log lets exactly one firing commit.
 */
export class TimerService {
  constructor(
    private readonly deps: {
      readonly definitions: DefinitionsService;
      readonly engine: ProcedureEngine;
      readonly log: InstanceLog;
      readonly clock: Clock;
      readonly store: InstanceStore;
      readonly escalations?: SlaEscalations;
      /** Needed by `promote` only. */
      readonly scheduler?: TimerScheduler;
    },
  ) {}

  /**
   * Backstop for lost scheduler jobs: fires every timer overdue by more than `graceMs`.
   * Harmless when the job also runs, since firing is idempotent. Returns how many fired.
   */
  async fireOverdue(graceMs: number, limit = 200): Promise<number> {
    const cutoff = new Date(this.deps.clock.now().getTime() - graceMs);
    const overdue = await this.deps.store.listWithTimersDueBefore(cutoff, limit);
    let fired = 0;
    for (const instance of overdue) {
      for (const timer of instance.timers.filter((t) => new Date(t.dueAt) < cutoff)) {
        const job = { instanceId: instance.id, activityId: timer.activityId, executionId: timer.executionId };
        if ((await this.fire(job)) === 'fired') fired++;
      }
    }
    return fired;
  }

  /**
   * Hands the scheduler every pending timer due within `horizonMs`. A scheduler that keeps
   * only near timers (a small job table is what keeps the embedded database's polling
   * cheap) gets the rest this way as their time approaches; re-handing a timer is harmless.
   * Returns how many instances had timers in the window.
   */
  async promote(horizonMs: number, limit = 2000): Promise<number> {
    const cutoff = new Date(this.deps.clock.now().getTime() + horizonMs);
    const instances = await this.deps.store.listWithTimersDueBefore(cutoff, limit);
    for (const instance of instances) {
      const due = instance.timers.filter((timer) => new Date(timer.dueAt) <= cutoff);
      await this.deps.scheduler?.schedule(instance.id, due);
    }
    return instances.length;
  }

  async fire(job: TimerJob): Promise<FireResult> {
    try {
      return await this.deps.log.exclusive(job.instanceId, () => this.fireNow(job));
    } catch (error) {
      if (isAppError(error) && error.code === 'CONFLICT') return 'conflict';
      if (isAppError(error) && error.code === 'INSTANCE_NOT_FOUND') return 'stale';
      throw error;
    }
  }

  private async fireNow(job: TimerJob): Promise<FireResult> {
    const previous = await this.deps.log.load(job.instanceId);
    const armed = previous.timers.find((timer) => timer.executionId === job.executionId);
    // An instance in incident fires nothing until a supervisor retries it (the sweep then catches up).
    // SLA clocks keep counting while an incident waits for a supervisor: their escalations still run.
    const open =
      previous.status === 'running' || (previous.status === 'incident' && isSlaTimer(job.executionId));
    if (!open || !armed) return 'stale';
    if (isSlaTimer(job.executionId)) return this.escalate(previous, job);
    const definition = await this.deps.definitions.byId(previous.definitionId);
    const action = {
      kind: 'fire-timer' as const,
      activityId: job.activityId,
      executionId: job.executionId,
      firings: armed.firings ?? 0,
    };
    const outcome = await this.deps.engine.resume(definition, previous.engineState, action);
    const now = this.deps.clock.now();
    const step = { previous, catalog: definition.catalog, actor: SYSTEM_ACTOR, now, type: 'timer.fired' };
    await this.deps.log.commit(buildTransition({ ...step, data: { ...job } }, outcome));
    return 'fired';
  }

  private async escalate(previous: InstanceRecord, job: TimerJob): Promise<FireResult> {
    const now = this.deps.clock.now();
    const transition = await this.deps.escalations?.transitionFor(previous, job.executionId, now);
    if (!transition) return 'stale';
    await this.deps.log.commit(transition);
    return 'fired';
  }
}
