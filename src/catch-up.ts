/**
 * Counts of open work a process catches up on after it starts. Each must be cheap: it reads a
 * queue bounded by open work (Agenda's job table, `outbox_pending`), never the history.
 */
export interface BacklogCounters {
  /** Timer jobs overdue (due a few seconds ago or earlier) and not run yet. */
  overdueTimerJobs(): Promise<number>;
  /** Outbox messages not delivered (or given up) yet, including those waiting for a retry. */
  pendingEmails(): Promise<number>;
}

/** What /health reports about catching up; a count not known yet is `null`. */
export interface CatchUpStatus {
  readonly catchingUp: boolean;
  readonly backlog: {
    readonly overdueTimerJobs: number | null;
    readonly pendingEmails: number | null;
  };
}

/**
 * Tracks whether a process still catches up (docs/adr/0015-ready-first-and-timer-locks.md): true
 * from start until its instance work (timer jobs, promotion, sweep, mail) has started and no timer
 * job is overdue. Pending emails are reported but do not count: without a working SMTP server
 * they stay pending, and the process is not behind on anything it can do.
 */
export class CatchUpMonitor {
  private started = false;
  private last: CatchUpStatus['backlog'] = { overdueTimerJobs: null, pendingEmails: null };
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly counters: BacklogCounters,
    private readonly countTimeoutMs = 500,
  ) {}

  /** Instance work has started and the first promotion of near timers is done. */
  markStarted(): void {
    this.started = true;
  }

  /**
   * Counts again (one count at a time per process) and waits for it up to the timeout; on a busy
   * database the last known counts are reported (null before the first count finished).
   */
  async status(): Promise<CatchUpStatus> {
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.countTimeoutMs)));
    await Promise.race([this.refreshing, late]);
    clearTimeout(timer);
    const { overdueTimerJobs } = this.last;
    const catchingUp = !this.started || overdueTimerJobs === null || overdueTimerJobs > 0;
    return { catchingUp, backlog: this.last };
  }

  private async refresh(): Promise<void> {
    const [overdueTimerJobs, pendingEmails] = await Promise.all([
      this.counters.overdueTimerJobs().catch(() => this.last.overdueTimerJobs),
      this.counters.pendingEmails().catch(() => this.last.pendingEmails),
    ]);
    this.last = { overdueTimerJobs, pendingEmails };
  }
}
