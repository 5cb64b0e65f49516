import { Agenda, backoffStrategies, type Job } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock.js';
import type { PendingTimer } from '../../domain/instance.js';
import type { TimerScheduler } from '../../app/ports.js';
import type { TimerJob, TimerService } from '../../app/timer-service.js';

const JOB_NAME = 'bpmn-timer';

/** Tuning documented in docs/adr/0004-timers-through-agenda.md. */
export interface AgendaTuning {
  /** How often each app instance polls for due jobs; bounds escalation lateness. */
  readonly processEveryMs: number;
  /** After this long a locked job of a crashed instance is taken over by another. */
  readonly lockLifetimeMs: number;
  /**
   * Only timers due within this horizon become jobs; later ones wait on the instance heads
   * until `TimerService.promote` hands them over (see ADR 0004). Unset: every timer at once.
   */
  readonly horizonMs?: number;
}

export const DEFAULT_TUNING: AgendaTuning = { processEveryMs: 500, lockLifetimeMs: 30_000 };

/**
 * Durable timers on Agenda 6, in the app's database (`agendaJobs`). A job is
 * at-least-once; TimerService makes firing idempotent, so duplicates are harmless.
 */
export class AgendaScheduler implements TimerScheduler {
  private readonly agenda: Agenda;
  private running = false;

  constructor(
    db: Db,
    private readonly tuning: AgendaTuning,
    private readonly clock: Clock,
  ) {
    this.agenda = new Agenda({
      backend: new MongoBackend({ mongo: db, collection: 'agendaJobs' }),
      processEvery: tuning.processEveryMs,
      defaultLockLifetime: tuning.lockLifetimeMs,
      maxConcurrency: 20,
      defaultConcurrency: 10,
    });
  }

  /** Registers the handler and starts polling. */
  async start(timers: TimerService, logger: Logger): Promise<void> {
    this.agenda.define<TimerJob>(
      JOB_NAME,
      async (job: Job<TimerJob>) => {
        const result = await timers.fire(job.attrs.data);
        logger.info({ job: job.attrs.data, result }, 'timer job handled');
      },
      // A failed firing (e.g. the database briefly unavailable) is retried; firing is idempotent.
      { removeOnComplete: true, backoff: backoffStrategies.exponential({ delay: 1000, maxRetries: 8 }) },
    );
    this.agenda.on('error', (error: unknown) => logger.error({ err: error }, 'scheduler error'));
    this.agenda.on(`fail:${JOB_NAME}`, (error: Error, job: { attrs: { data: unknown } }) =>
      logger.error({ err: error, job: job.attrs.data }, 'timer job failed'),
    );
    await this.agenda.start();
    this.running = true;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.agenda.stop(false);
  }

  isRunning(): boolean {
    return this.running;
  }

  /** Makes a job of each timer due within the horizon; a timer that already is one is left as it is. */
  async schedule(instanceId: string, timers: readonly PendingTimer[]): Promise<void> {
    const { horizonMs } = this.tuning;
    const cutoff = horizonMs === undefined ? Infinity : this.clock.now().getTime() + horizonMs;
    for (const timer of timers.filter((t) => new Date(t.dueAt).getTime() <= cutoff)) {
      const data: TimerJob = { instanceId, activityId: timer.activityId, executionId: timer.executionId };
      const job = this.agenda.create(JOB_NAME, data);
      // insertOnly: handing over a timer that is already a job (promotion) must not reset its
      // lock, retries or backoff.
      job.unique(
        { 'data.instanceId': instanceId, 'data.executionId': timer.executionId },
        { insertOnly: true },
      );
      job.schedule(new Date(timer.dueAt));
      await job.save();
    }
  }

  /** Removes the jobs of disarmed timers (a missing job is fine). */
  async cancel(instanceId: string, executionIds: readonly string[]): Promise<void> {
    for (const executionId of executionIds) {
      await this.agenda.cancel({ name: JOB_NAME, data: { instanceId, executionId } });
    }
  }
}
