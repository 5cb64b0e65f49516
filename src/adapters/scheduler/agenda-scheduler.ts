import { Agenda, backoffStrategies, type Job } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock.js';
import type { PendingTimer } from '../../domain/instance.js';
import type { TimerScheduler } from '../../app/ports.js';
import type { TimerJob, TimerService } from '../../app/timer-service.js';
import { classifySchedulerError, runWithHeartbeat } from './job-guard.js';
import { guardPolling } from './poll-guard.js';

const JOB_NAME = 'bpmn-timer';
const COLLECTION = 'agendaJobs';

/** Tuning documented in docs/adr/0004 and docs/adr/0015. */
export interface AgendaTuning {
  /** How often each app instance polls for due jobs; bounds escalation lateness. */
  readonly processEveryMs: number;
  /**
   * A running job's lock is renewed (heartbeat) every lockLifetime/5 and the job is timed out
   * at 3/4 of it, so only a dead process's lock lapses: another process retakes it this long
   * after the last heartbeat.
   */
  readonly lockLifetimeMs: number;
  /** Timer jobs one process runs (and locks) at once; bounds the catch-up rate. Default 4. */
  readonly concurrency?: number;
  /**
   * Only timers due within this horizon become jobs; later ones wait on the instance heads
   * until `TimerService.promote` hands them over (see ADR 0004). Unset: every timer at once.
   */
  readonly horizonMs?: number;
}

export const DEFAULT_TUNING: AgendaTuning = { processEveryMs: 500, lockLifetimeMs: 10_000, concurrency: 4 };

/**
 * Durable timers on Agenda 6, in the app's database (`agendaJobs`). A job is
 * at-least-once; TimerService makes firing idempotent, so duplicates are harmless.
 */
export class AgendaScheduler implements TimerScheduler {
  private readonly agenda: Agenda;
  private phase: 'starting' | 'running' | 'stopped' = 'starting';
  private readonly recurringJobs: import('./report-job.js').RecurringJob[] = [];
  private starting: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly tuning: AgendaTuning,
    private readonly clock: Clock,
  ) {
    const concurrency = Math.max(1, tuning.concurrency ?? 4);
    this.agenda = new Agenda({
      backend: new MongoBackend({ mongo: db, collection: COLLECTION }),
      processEvery: tuning.processEveryMs,
      defaultLockLifetime: tuning.lockLifetimeMs,
      // Lock no more than can run: a job locked but waiting in the local queue could outlive its
      // lock, and Agenda 6 never frees the slot of a queued job whose lock expired.
      maxConcurrency: concurrency,
      defaultConcurrency: concurrency,
      lockLimit: concurrency,
      defaultLockLimit: concurrency,
    });
  }

  /** Adds a recurring job (scheduled reports, docs/adr/0027); call before `start`. */
  recurring(job: import('./report-job.js').RecurringJob): void {
    this.recurringJobs.push(job);
  }

  /** Registers the handler and starts polling (instance work: call it after the app listens). */
  start(timers: TimerService, logger: Logger): Promise<void> {
    this.starting ??= this.startPolling(timers, logger).catch((error: unknown) => {
      this.phase = 'stopped';
      throw error;
    });
    return this.starting;
  }

  private async startPolling(timers: TimerService, logger: Logger): Promise<void> {
    const { lockLifetimeMs } = this.tuning;
    this.agenda.define<TimerJob>(
      JOB_NAME,
      async (job: Job<TimerJob>) => {
        const data = job.attrs.data;
        const what = `timer job <${data.activityId}> of instance <${data.instanceId}>`;
        const result = await runWithHeartbeat(job, () => timers.fire(data), {
          heartbeatMs: Math.max(100, Math.floor(lockLifetimeMs / 5)),
          timeoutMs: Math.max(100, Math.floor((lockLifetimeMs * 3) / 4)),
          what,
          onHeartbeatError: (error) => logger.debug({ err: error, job: data }, 'timer job heartbeat failed'),
        });
        logger.info({ job: data, result }, 'timer job handled');
      },
      // A failed firing (e.g. the database briefly unavailable) is retried; firing is idempotent.
      { removeOnComplete: true, backoff: backoffStrategies.exponential({ delay: 1000, maxRetries: 8 }) },
    );
    this.agenda.on('error', (error: unknown) => {
      const kind = classifySchedulerError(error);
      // Expected with several processes: FerretDB's lock is not atomic, so two may take one job;
      // the loser finds it already done and removed (or cancelled) when Agenda saves its state.
      if (kind === 'job-gone') logger.debug({ err: error }, 'timer job already handled elsewhere');
      else if (kind === 'lock-expired') logger.warn({ err: error }, 'timer job outlived its lock');
      else logger.error({ err: error }, 'scheduler error');
    });
    this.agenda.on(`fail:${JOB_NAME}`, (error: Error, job: { attrs: { data: unknown } }) =>
      logger.error({ err: error, job: job.attrs.data }, 'timer job failed'),
    );
    for (const job of this.recurringJobs) this.agenda.define(job.name, () => job.run());
    await this.agenda.start();
    // First run one interval after start: a starting app never mails at once.
    for (const job of this.recurringJobs)
      await this.agenda.every(job.everyMs, job.name, undefined, { skipImmediate: true });
    guardPolling(this.agenda);
    if (this.phase === 'starting') this.phase = 'running';
  }

  /** Stops polling (waiting for a start in progress); running jobs keep their locks until they end. */
  async stop(): Promise<void> {
    const wasStarted = this.starting !== undefined;
    this.phase = 'stopped';
    await this.starting?.catch(() => undefined);
    if (wasStarted) await this.agenda.stop(false);
  }

  isRunning(): boolean {
    return this.phase === 'running';
  }

  /** `starting` until polling has started (instance work starts after the app listens). */
  state(): 'starting' | 'running' | 'stopped' {
    return this.phase;
  }

  /**
   * Timer jobs due more than `graceMs` ago and not run yet: the catch-up backlog. Wall time, as
   * Agenda's own; the job table is small (bounded by the horizon), so counting it is cheap.
   */
  async countOverdue(graceMs = 5000): Promise<number> {
    const before = new Date(Date.now() - graceMs);
    return this.db.collection(COLLECTION).countDocuments({ name: JOB_NAME, nextRunAt: { $lte: before } });
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
