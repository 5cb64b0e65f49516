import type { Logger } from 'pino';
import type { StepReconciler } from './app/reconciler.js';
import type { SessionService } from './app/session-service.js';
import type { TimerService } from './app/timer-service.js';
import type { Config } from './config.js';

/** What the periodic jobs need. */
export interface BackgroundJobDeps {
  readonly timers: TimerService;
  readonly sessions: SessionService;
  readonly logger: Logger;
  /** Rolls forward committed steps whose effects were left unapplied (docs/adr/0014). */
  readonly reconciler?: StepReconciler;
  readonly config: Pick<
    Config,
    | 'timerSweepEveryMs'
    | 'timerSweepGraceMs'
    | 'timerHorizonMs'
    | 'sessionCleanupEveryMs'
    | 'reconcileEveryMs'
  >;
}

/** Running periodic work. */
export interface BackgroundJobs {
  /** Settles once the first promotion (the startup catch-up of near timers) is done. */
  readonly promoted: Promise<void>;
  /** Stops the loops and waits for the first promotion if it still runs. */
  stop(): Promise<void>;
}

/**
 * Starts the app's periodic work: the backstop sweep of overdue timers, the promotion of
 * timers nearing the scheduler's horizon (once now, then every horizon/4) and the
 * cleanup of expired sessions. None keeps the process alive. Instance work: the app calls
 * it once it listens, and the first promotion runs in the background (docs/adr/0015).
 */
export function startBackgroundJobs(deps: BackgroundJobDeps): BackgroundJobs {
  const { timers, sessions, logger, config } = deps;
  const failed = (what: string) => (error: unknown) => logger.error({ err: error }, `${what} failed`);
  const sweep = () =>
    timers.fireOverdue(config.timerSweepGraceMs).then((fired) => {
      if (fired) logger.warn({ fired }, 'timer sweep fired overdue timers the scheduler had not');
    }, failed('timer sweep'));
  const promote = () =>
    timers.promote(config.timerHorizonMs).then(() => undefined, failed('timer promotion'));
  const cleanup = () => sessions.cleanup().then(() => undefined, failed('session cleanup'));

  // Timers beyond the horizon wait on the heads; they are promoted well before they are due.
  const promoted = config.timerHorizonMs ? promote() : Promise.resolve();
  const intervals = [
    setInterval(() => void sweep(), config.timerSweepEveryMs),
    setInterval(() => void cleanup(), config.sessionCleanupEveryMs),
    ...(config.timerHorizonMs
      ? [setInterval(() => void promote(), Math.max(1000, config.timerHorizonMs / 4))]
      : []),
  ];
  intervals.forEach((interval) => interval.unref());
  const reconciling =
    deps.reconciler && config.reconcileEveryMs
      ? deps.reconciler.start(config.reconcileEveryMs, failed('step reconciliation'))
      : undefined;
  return {
    promoted,
    stop: async () => {
      intervals.forEach((interval) => clearInterval(interval));
      reconciling?.stop();
      await promoted;
    },
  };
}
