import { isAppError } from '../domain/errors.js';

/** How often and how patiently a transient database failure is retried. */
export interface RetryPolicy {
  /** Tries in all (at least 1). */
  readonly attempts: number;
  /** Pause before the second try; each later pause is 4x longer, with ±50% jitter. */
  readonly baseDelayMs: number;
}

/** ~1.7 s over five tries: enough for SQLite's write lock to change hands under load. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 20 };

/**
 * Runs `work` until it succeeds, at most `policy.attempts` times. Only for idempotent work:
 * every failure other than an AppError (a decision, never transient) is tried again.
 */
export async function withRetry<T>(policy: RetryPolicy, work: () => Promise<T>): Promise<T> {
  const attempts = Math.max(1, Math.min(policy.attempts, 20));
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (isAppError(error) || attempt >= attempts) throw error;
      await pause(policy, attempt);
    }
  }
}

/** Waits the backoff that follows failed try number `attempt`. */
export function pause(policy: RetryPolicy, attempt: number): Promise<void> {
  const delay = policy.baseDelayMs * 4 ** (attempt - 1) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, Math.min(delay, 10_000)));
}

/**
 * Runs a use case again when its commit lost to another step of the same instance (CONFLICT): a
 * timer or escalation committed meanwhile, so the work is redone on the new state, which decides
 * afresh (a task another agent completed then answers TASK_NOT_OPEN). At most `attempts` tries.
 */
export async function retryOnConflict<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(isAppError(error) && error.code === 'CONFLICT') || attempt >= attempts) throw error;
    }
  }
}
