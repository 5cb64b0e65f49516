import type { InstanceLog, InstanceLogLogger } from './instance-log.js';
import type { PendingStep, PendingSteps } from './ports.js';

/** Collaborators and tuning of the reconciler. */
export interface ReconcilerDeps {
  readonly log: InstanceLog;
  readonly pending: PendingSteps;
  /** Markers younger than this belong to writers still at work and are left alone. */
  readonly settleMs: number;
  /** A marker without a committed step is dropped once this old (its writer failed before the commit). */
  readonly abandonMs?: number;
  /** Markers handled per run at most. */
  readonly batch?: number;
  readonly logger?: InstanceLogLogger;
}

/**
 * Rolls forward committed steps whose writer stopped before applying their effects (crash,
 * database errors past the retries), without waiting for anyone to read the instance again.
 * Any process may run it; roll-forward is idempotent, so two reconcilers never do harm.
 */
export class StepReconciler {
  constructor(private readonly deps: ReconcilerDeps) {}

  /**
   * Runs a pass now and then every `everyMs` (never two at once); the timer does not keep the
   * process alive. Failed passes are reported to `onError`.
   */
  start(everyMs: number, onError: (error: unknown) => void): { stop(): void } {
    let running = false;
    const pass = () => {
      if (running) return;
      running = true;
      this.run()
        .catch(onError)
        .finally(() => (running = false));
    };
    pass();
    const interval = setInterval(pass, Math.max(50, everyMs));
    interval.unref();
    return { stop: () => clearInterval(interval) };
  }

  /** One pass over the stale markers; resolves how many were settled and removed. */
  async run(): Promise<number> {
    const { pending, settleMs, batch = 100 } = this.deps;
    const markers = await pending.listStale(settleMs, batch);
    let settled = 0;
    for (const marker of markers) {
      try {
        if (await this.settle(marker)) settled++;
      } catch (error) {
        const { instanceId, seq } = marker;
        this.deps.logger?.warn({ err: error, instanceId, seq }, 'reconciler could not roll a step forward');
      }
    }
    return settled;
  }

  /** Rolls the marker's instance forward; true when the marker could be removed. */
  private async settle(marker: PendingStep): Promise<boolean> {
    const { log, pending, abandonMs = 60_000 } = this.deps;
    const { instanceId, seq } = marker;
    const committed = await log.exclusive(instanceId, async () => {
      if (!(await log.step(instanceId, seq))) return false;
      // Whoever committed that seq (the marker's writer or the one it lost to): apply what is missing.
      await log.rollForward(instanceId);
      // Its call-activity effects come after its head (ADR 0019): apply them (again) too.
      await log.settleCalls(instanceId, seq);
      return true;
    });
    // Not committed: a writer between its mark and its insert, or one that failed before committing.
    if (!committed && marker.ageMs < abandonMs) return false;
    await pending.clear(instanceId, seq, marker.markedAt);
    return true;
  }
}
