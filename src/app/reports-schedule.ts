import type { Clock } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import type { Period } from '../domain/reports/period.js';
import { duePeriods } from '../domain/reports/schedule-period.js';
import type { ReportSchedule } from '../domain/reports/schedule.js';
import { finalOutcome } from './delivery-plan.js';
import type { CalendarRegistry } from './calendar-registry.js';
import type { DeliveryLedger } from './notification-ports.js';
import type { Outbox } from './ports.js';
import { reportMessages } from './report-mail.js';
import type { ReportsService } from './reports-service.js';

/** A run of a schedule for one period, as claimed (`_id` = `<scheduleId>:<periodKey>`). */
export interface ReportRun {
  readonly id: string;
  readonly scheduleId: string;
  readonly periodKey: string;
  readonly claimedAt: Date;
  readonly owner: string;
}

/**
 * A run as recorded: `claimed` (being queued), `queued` (its messages are in the outbox),
 * `sent` (every message delivered) or `failed` (some message given up as undeliverable).
 */
export interface ReportRunRecord extends ReportRun {
  readonly status: 'claimed' | 'queued' | 'sent' | 'failed';
  readonly messageIds?: readonly string[];
  readonly at?: Date;
  readonly recipients?: readonly string[];
  readonly error?: string;
}

/** How a run ended. */
export interface RunOutcome {
  readonly status: 'sent' | 'failed';
  readonly at: Date;
  readonly recipients?: readonly string[];
  readonly error?: string;
}

/** Where runs are recorded (every access by `_id`). */
export interface ReportRuns {
  /** Inserts the run as `claimed`; false when it already exists. */
  claim(run: ReportRun): Promise<boolean>;
  /** The run as recorded, if any. */
  find(runId: string): Promise<ReportRunRecord | undefined>;
  /** Takes over a run left `claimed` by a process that died (not atomic: queueing is idempotent). */
  reclaim(runId: string, claimedAt: Date, owner: string): Promise<void>;
  /** Records the run `queued` with the ids of its outbox messages. */
  queued(runId: string, messageIds: readonly string[], at: Date): Promise<void>;
  /** Records the run `sent` or `failed` once its messages' attempts say so. */
  finish(runId: string, outcome: RunOutcome): Promise<void>;
  /** When any process first ran the schedule (recorded by the first call). */
  since(scheduleId: string, now: Date): Promise<Date>;
}

/** Where the runs' mail goes: the outbox, delivered (and retried) by the notification dispatcher. */
export interface ReportMailing {
  readonly outbox: Pick<Outbox, 'add'>;
  /** The dispatcher's ledger: a run is `sent` or `failed` once each of its messages is final. */
  readonly ledger: Pick<DeliveryLedger, 'attempts'>;
}

/** Collaborators of the scheduled reports. */
export interface ReportSchedulesDeps {
  readonly schedules: readonly ReportSchedule[];
  readonly reports: ReportsService;
  readonly runs: ReportRuns;
  /** Without mail (no SMTP server) nothing is claimed, so every period is sent once one is configured. */
  readonly mailing?: ReportMailing;
  /** `reports.*` UI strings in a language. */
  readonly label: (language: string, key: string, vars?: Record<string, string>) => string;
  readonly clock: Clock;
  /** Business calendars a schedule's `calendar` names (docs/adr/0035); required when one does. */
  readonly calendars?: Pick<CalendarRegistry, 'get' | 'has'>;
  readonly owner: string;
  /** A run still `claimed` this long after its claim was left by a dead process (default 10 min). */
  readonly reclaimAfterMs?: number;
  /** Ended periods looked at per schedule, the last one included (default 7): the catch-up bound. */
  readonly catchUpPeriods?: number;
  readonly logger?: {
    warn(details: object, message: string): void;
    info(details: object, message: string): void;
  };
}

const DEFAULT_RECLAIM_MS = 600_000;
const DEFAULT_CATCH_UP = 7;
const MAX_CATCH_UP = 31;

/**
 * Sends scheduled reports (docs/adr/0027) through the outbox: for each schedule, the last ended
 * period in its zone and the missed ones before it (at most `catchUpPeriods`, and none that ended
 * before the schedule first ran). The run `<scheduleId>:<periodKey>` is inserted before anything is
 * queued, so a period is queued by one process; its messages (`report:<runId>:<i>`) are delivered
 * and retried by the notification dispatcher, and a later call records the run `sent` or `failed`.
 * A run left `claimed` by a process that died is taken over after `reclaimAfterMs`.
 */
export class ReportSchedules {
  /** Runs known to be over: never read again by this process. */
  private readonly over = new Set<string>();
  private readonly sinceOf = new Map<string, Date>();

  /** Throws VALIDATION_FAILED naming `schedules[i].calendar` when a schedule names an unknown calendar. */
  constructor(private readonly deps: ReportSchedulesDeps) {
    const unknown = deps.schedules.flatMap((schedule, i) =>
      schedule.calendar && !deps.calendars?.has(schedule.calendar)
        ? [
            {
              path: `schedules[${i}].calendar`,
              reason: 'unknown',
              message: `calendar <${schedule.calendar}> not found`,
            },
          ]
        : [],
    );
    if (unknown.length)
      throw new AppError(
        'VALIDATION_FAILED',
        `report schedules: ${unknown.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
        unknown,
      );
  }

  /** Queues every due period not queued yet and records finished runs; returns the runs this call queued. */
  async runDue(): Promise<string[]> {
    const mailing = this.deps.mailing;
    if (!mailing) return [];
    const queued: string[] = [];
    for (const schedule of this.deps.schedules) {
      try {
        queued.push(...(await this.runSchedule(schedule, mailing)));
      } catch (error) {
        this.deps.logger?.warn({ err: error, scheduleId: schedule.id }, 'scheduled report run failed');
      }
    }
    return queued;
  }

  private async runSchedule(schedule: ReportSchedule, mailing: ReportMailing): Promise<string[]> {
    const now = this.deps.clock.now();
    const calendar = schedule.calendar ? this.deps.calendars?.get(schedule.calendar) : undefined;
    const count = Math.min(MAX_CATCH_UP, Math.max(1, this.deps.catchUpPeriods ?? DEFAULT_CATCH_UP));
    let since = this.sinceOf.get(schedule.id);
    if (!since) {
      since = await this.deps.runs.since(schedule.id, now);
      this.sinceOf.set(schedule.id, since);
    }
    const periods = duePeriods(schedule.period, now, schedule.timeZone, calendar, count);
    if (periods.length === 0) return []; // the calendar is closed today: the run waits for its next open day
    const zone = calendar?.timeZone ?? schedule.timeZone;
    const queued: string[] = [];
    // Oldest first; the last ended period always, a missed one only if it ended after the first run.
    for (const period of [...periods].reverse()) {
      const missed = period !== periods[0];
      if (missed && period.to.getTime() < since.getTime()) continue;
      const runId = `${schedule.id}:${period.key}`;
      if (this.over.has(runId)) continue;
      if (await this.take(schedule, period, runId, now)) {
        await this.queue(schedule, period, runId, zone, mailing);
        queued.push(runId);
      }
    }
    return queued;
  }

  /** True when this process must queue the run: claimed now, or left claimed by a dead process. */
  private async take(schedule: ReportSchedule, period: Period, runId: string, now: Date): Promise<boolean> {
    const { runs, owner } = this.deps;
    const run = await runs.find(runId);
    if (!run)
      return runs.claim({ id: runId, scheduleId: schedule.id, periodKey: period.key, claimedAt: now, owner });
    if (run.status === 'queued') {
      await this.settle(run);
      return false;
    }
    if (run.status !== 'claimed') {
      this.over.add(runId);
      return false;
    }
    const stale =
      now.getTime() - new Date(run.claimedAt).getTime() >= (this.deps.reclaimAfterMs ?? DEFAULT_RECLAIM_MS);
    if (!stale) return false;
    this.deps.logger?.info({ runId, previousOwner: run.owner }, 'scheduled report: taking over a stale run');
    await runs.reclaim(runId, now, owner);
    return true;
  }

  private async queue(
    schedule: ReportSchedule,
    period: Period,
    runId: string,
    zone: string,
    mailing: ReportMailing,
  ): Promise<void> {
    const createdAt = this.deps.clock.now();
    const messages = await reportMessages(
      { schedule, period, runId, createdAt },
      this.deps.reports,
      this.deps.label,
      zone,
    );
    await mailing.outbox.add(messages);
    await this.deps.runs.queued(
      runId,
      messages.map((message) => message.id),
      createdAt,
    );
  }

  /** Records a queued run `sent` (every message delivered) or `failed` (one given up), once all are final. */
  private async settle(run: ReportRunRecord): Promise<void> {
    const ledger = this.deps.mailing!.ledger;
    const recipients: string[] = [];
    const problems: string[] = [];
    for (const id of run.messageIds ?? []) {
      const attempts = await ledger.attempts(id);
      const final = finalOutcome(attempts);
      if (!final) return; // still being delivered or retried
      if (final.state === 'undeliverable') problems.push(`${id}: ${final.reason}`);
      const sent = attempts.find((attempt) => attempt.result?.outcome === 'sent')?.result;
      if (sent?.outcome === 'sent') recipients.push(...sent.recipients);
    }
    const at = this.deps.clock.now();
    const outcome = problems.length
      ? { status: 'failed' as const, at, recipients, error: problems.join('; ').slice(0, 500) }
      : { status: 'sent' as const, at, recipients };
    if (problems.length) this.deps.logger?.warn({ runId: run.id, problems }, 'scheduled report not sent');
    await this.deps.runs.finish(run.id, outcome);
    this.over.add(run.id);
  }
}
