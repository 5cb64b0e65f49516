/** What the guard needs from an Agenda job: renewing its lock. */
export interface Touchable {
  touch(): Promise<unknown>;
}

/** How a running job is kept alive and bounded. */
export interface GuardOptions {
  /** How often the job's lock is renewed while the work runs. */
  readonly heartbeatMs: number;
  /** The job fails (and is retried with backoff) when the work takes longer; keep it below the lock. */
  readonly timeoutMs: number;
  /** Names the job in the timeout error, e.g. `timer job <warn> of instance <abc>`. */
  readonly what: string;
  readonly onHeartbeatError?: (error: unknown) => void;
}

/** A job whose work did not finish within its timeout. */
export class JobTimeoutError extends Error {
  constructor(what: string, timeoutMs: number) {
    super(`${what} did not finish within ${timeoutMs} ms; it will be retried`);
    this.name = 'JobTimeoutError';
  }
}

/**
 * Runs `work` while renewing the job's lock every `heartbeatMs`, so no other process retakes a
 * job that is still running here, and fails it after `timeoutMs`, so it never outlives its lock.
 * The work itself cannot be aborted: after a timeout it may still finish, which is harmless
 * because timer firing is idempotent (a retry then finds the timer already fired).
 */
export async function runWithHeartbeat<T>(
  job: Touchable,
  work: () => Promise<T>,
  options: GuardOptions,
): Promise<T> {
  const heartbeat = setInterval(() => {
    job.touch().catch((error: unknown) => options.onHeartbeatError?.(error));
  }, options.heartbeatMs);
  let timeout: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timeout = setTimeout(
      () => reject(new JobTimeoutError(options.what, options.timeoutMs)),
      options.timeoutMs,
    );
  });
  try {
    return await Promise.race([work(), expired]);
  } finally {
    clearInterval(heartbeat);
    clearTimeout(timeout);
  }
}

/** How an error Agenda reports through its `error` event should be logged. */
export type SchedulerErrorKind = 'job-gone' | 'lock-expired' | 'other';

/**
 * Agenda reports, as `error` events, a job that vanished while this process held it (another
 * process ran and removed it, or the timer was cancelled) and a job that outlived its lock.
 * Agenda gives no codes, so this matches its messages (agenda 6.2 / @agendajs/mongo-backend 4).
 */
export function classifySchedulerError(error: unknown): SchedulerErrorKind {
  const message = error instanceof Error ? error.message : String(error);
  if (/cannot be updated in the database/.test(message)) return 'job-gone';
  if (/execution took more than|no lockedAt date found/.test(message)) return 'lock-expired';
  return 'other';
}
