/**
 * The outbox messages of one scheduled report run (docs/adr/0027): one per recipient, in the
 * recipient's language, with the CSV in the message, ids `report:<runId>:<i>` so queueing the
 * same run again (a reclaimed run) adds nothing.
 */
import type { Actor } from '../domain/actor.js';
import type { OutboxMessage } from '../domain/instance.js';
import type { Period } from '../domain/reports/period.js';
import type { ReportSchedule } from '../domain/reports/schedule.js';
import { MAX_TICKET_ROWS, reportCsv, ticketsCsv, type ReportLabel } from './reports-csv.js';
import type { ReportRequest, ReportsService } from './reports-service.js';

/** Message template of scheduled reports (`templates/messages/report-scheduled.<lang>.hbs`). */
const REPORT_TEMPLATE = 'report-scheduled';

/** Who computes scheduled reports. */
const REPORTER: Actor = { id: 'system:reports', roles: ['supervisor'], groups: [] };

/** What the messages of one run are built from. */
export interface ReportRunInput {
  readonly schedule: ReportSchedule;
  readonly period: Period;
  readonly runId: string;
  readonly createdAt: Date;
}

/** Builds the run's messages: computes the report once, then a CSV per recipient language. */
export async function reportMessages(
  input: ReportRunInput,
  reports: Pick<ReportsService, 'report' | 'tickets' | 'timeZone'>,
  label: (language: string, key: string, vars?: Record<string, string>) => string,
  zone: string,
): Promise<OutboxMessage[]> {
  const { schedule, period, runId, createdAt } = input;
  const request: ReportRequest = {
    period,
    groupBy: schedule.groupBy,
    ...(schedule.procedureId ? { procedureId: schedule.procedureId } : {}),
  };
  const figures = await reports.report(REPORTER, request);
  const tickets =
    schedule.kind === 'figures'
      ? undefined
      : await reports.tickets(REPORTER, request, schedule.kind, undefined, MAX_TICKET_ROWS);
  return schedule.recipients.map((recipient, index) => {
    const { language } = recipient;
    const t: ReportLabel = (key, vars) => label(language, key, vars);
    const vars = {
      name: schedule.name,
      period: period.key,
      opened: String(figures.total.opened),
      closed: String(figures.total.closed),
    };
    const content = tickets ? ticketsCsv(tickets, request, t, zone) : reportCsv(figures, request, t);
    return {
      id: `report:${runId}:${index}`,
      instanceId: '',
      activityId: `report:${schedule.id}`,
      template: REPORT_TEMPLATE,
      to: recipient.email ?? recipient.group ?? '',
      language,
      variables: { subject: t('reports.mail.subject', vars), body: t('reports.mail.body', vars) },
      createdAt,
      configured: {
        files: [
          {
            filename: `${schedule.id}-${period.key}.csv`,
            contentType: 'text/csv; charset=utf-8',
            content,
          },
        ],
      },
    };
  });
}
