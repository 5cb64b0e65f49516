import type { Actor } from '../domain/actor.js';
import type { Clock } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import type { Period } from '../domain/reports/period.js';
import { duePeriod } from '../domain/reports/schedule-period.js';
import type { CalendarRegistry } from './calendar-registry.js';
import type { ReportRecipient, ReportSchedule } from '../domain/reports/schedule.js';
import type { MailTransport, RecipientDirectory } from './notification-ports.js';
import { reportCsv } from './reports-csv.js';
import type { ReportsService } from './reports-service.js';

/** A run of a schedule for one period, as recorded (`_id` = `<scheduleId>:<periodKey>`). */
export interface ReportRun {
  readonly id: string;
  readonly scheduleId: string;
  readonly periodKey: string;
  readonly claimedAt: Date;
  readonly owner: string;
}

/** Where runs are recorded: `claim` inserts the run and is false when it already exists. */
export interface ReportRuns {
  claim(run: ReportRun): Promise<boolean>;
  finish(
    runId: string,
    outcome: { status: 'sent' | 'failed'; at: Date; recipients?: readonly string[]; error?: string },
  ): Promise<void>;
}

/** Collaborators of the scheduled reports. */
export interface ReportSchedulesDeps {
  readonly schedules: readonly ReportSchedule[];
  readonly reports: ReportsService;
  readonly runs: ReportRuns;
  /** Without a transport nothing is claimed, so every period is sent once one is configured. */
  readonly transport?: MailTransport;
  readonly directory: RecipientDirectory;
  /** `reports.*` UI strings in a language. */
  readonly label: (language: string, key: string, vars?: Record<string, string>) => string;
  readonly clock: Clock;
  /** Business calendars a schedule's `calendar` names (docs/adr/0035); required when one does. */
  readonly calendars?: Pick<CalendarRegistry, 'get' | 'has'>;
  readonly owner: string;
  readonly logger?: {
    warn(details: object, message: string): void;
    info(details: object, message: string): void;
  };
}

/** Who computes scheduled reports. */
const REPORTER: Actor = { id: 'system:reports', roles: ['supervisor'], groups: [] };

/**
 * Sends scheduled reports (docs/adr/0027): for each schedule, the last period that has ended in its
 * zone. The run `<scheduleId>:<periodKey>` is inserted before anything is sent, so a period is sent
 * at most once however many processes run the job; a failed send is recorded on the run.
 */
export class ReportSchedules {
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

  /** Sends every ended period not sent yet; returns the runs this call sent. */
  async runDue(): Promise<string[]> {
    if (!this.deps.transport) return [];
    const sent: string[] = [];
    for (const schedule of this.deps.schedules) {
      const calendar = schedule.calendar ? this.deps.calendars?.get(schedule.calendar) : undefined;
      const period = duePeriod(schedule.period, this.deps.clock.now(), schedule.timeZone, calendar);
      if (!period) continue; // the calendar is closed today: the run waits for its next open day
      const runId = `${schedule.id}:${period.key}`;
      const claimed = await this.deps.runs.claim({
        id: runId,
        scheduleId: schedule.id,
        periodKey: period.key,
        claimedAt: this.deps.clock.now(),
        owner: this.deps.owner,
      });
      if (!claimed) continue;
      try {
        const recipients = await this.send(schedule, period, runId, this.deps.transport);
        await this.deps.runs.finish(runId, { status: 'sent', at: this.deps.clock.now(), recipients });
        sent.push(runId);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.deps.logger?.warn({ err: error, runId }, 'scheduled report not sent');
        await this.deps.runs.finish(runId, {
          status: 'failed',
          at: this.deps.clock.now(),
          error: message.slice(0, 500),
        });
      }
    }
    return sent;
  }

  private async send(
    schedule: ReportSchedule,
    period: Period,
    runId: string,
    transport: MailTransport,
  ): Promise<string[]> {
    const request = {
      period,
      groupBy: schedule.groupBy,
      ...(schedule.procedureId ? { procedureId: schedule.procedureId } : {}),
    };
    const figures = await this.deps.reports.report(REPORTER, request);
    const delivered: string[] = [];
    for (const [index, recipient] of schedule.recipients.entries()) {
      const to = await this.addresses(recipient);
      if (to.length === 0) continue;
      const { language } = recipient;
      const label = (key: string, vars?: Record<string, string>) => this.deps.label(language, key, vars);
      const vars = {
        name: schedule.name,
        period: period.key,
        opened: String(figures.total.opened),
        closed: String(figures.total.closed),
      };
      await transport.send({
        to,
        cc: [],
        subject: label('reports.mail.subject', vars),
        text: label('reports.mail.body', vars),
        language,
        outboxId: `report:${runId}:${index}`,
        attachments: [
          {
            filename: `${schedule.id}-${period.key}.csv`,
            content: reportCsv(figures, request, label),
            contentType: 'text/csv; charset=utf-8',
          },
        ],
      });
      delivered.push(...to);
    }
    return delivered;
  }

  private async addresses(recipient: ReportRecipient): Promise<string[]> {
    if (recipient.email) return [recipient.email];
    const group = recipient.group ?? '';
    const addresses = await this.deps.directory.addressesOf(group);
    if (!addresses?.length)
      this.deps.logger?.warn({ group }, 'scheduled report: directory group has no mailbox');
    return [...(addresses ?? [])];
  }
}
