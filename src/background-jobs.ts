import type { Logger } from 'pino';
import type { SessionService } from './app/session-service.js';
import type { TimerService } from './app/timer-service.js';
import type { Config } from './config.js';

/** What the periodic jobs need. */
export interface BackgroundJobDeps {
  readonly timers: TimerService;
  readonly sessions: SessionService;
  readonly logger: Logger;
  readonly config: Pick<
    Config,
    'timerSweepEveryMs' | 'timerSweepGraceMs' | 'timerHorizonMs' | 'sessionCleanupEveryMs'
  >;
}

/**
 * Starts the app's periodic work: the backstop sweep of overdue timers, the promotion of
 * timers nearing the scheduler's horizon (once now, then every horizon/4) and the
 * cleanup of expired sessions. None keeps the process alive.
 */
export async function startBackgroundJobs(deps: BackgroundJobDeps): Promise<{ stop(): void }> {
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
  if (config.timerHorizonMs) await promote();
  const intervals = [
    setInterval(() => void sweep(), config.timerSweepEveryMs),
    setInterval(() => void cleanup(), config.sessionCleanupEveryMs),
    ...(config.timerHorizonMs
      ? [setInterval(() => void promote(), Math.max(1000, config.timerHorizonMs / 4))]
      : []),
  ];
  intervals.forEach((interval) => interval.unref());
  return { stop: () => intervals.forEach((interval) => clearInterval(interval)) };
}
