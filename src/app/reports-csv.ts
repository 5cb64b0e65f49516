import { toCsv, type CsvCell } from '../domain/reports/csv.js';
import type { TicketFacts } from '../domain/reports/facts.js';
import type { ReportFigures, ReportRow, Share } from '../domain/reports/figures.js';
import type { ReportRequest } from './reports-service.js';

/** Translates a `reports.*` key (the caller's language). */
export type ReportLabel = (key: string, vars?: Record<string, string>) => string;

const minutes = (ms: number | undefined): CsvCell =>
  ms === undefined ? undefined : Math.round(ms / 6_000) / 10;
const percent = (rate: number | undefined): CsvCell =>
  rate === undefined ? undefined : Math.round(rate * 1000) / 10;
const rateOf = (share: Share): CsvCell => percent(share.rate);

/**
 * The CSV of a report: one line per group and a total line; durations in minutes, rates in
 * percent (escaped and formula-safe, see domain/reports/csv.ts).
 */
export function reportCsv(
  figures: ReportFigures,
  request: Pick<ReportRequest, 'period' | 'groupBy'>,
  t: ReportLabel,
): string {
  const { header, rows } = reportTable(figures, request, t);
  return toCsv(header, rows);
}

/** The report as a table (header and cells), shared by the CSV and the XLSX export. */
export function reportTable(
  figures: ReportFigures,
  request: Pick<ReportRequest, 'period' | 'groupBy'>,
  t: ReportLabel,
): { header: string[]; rows: CsvCell[][] } {
  const header = [
    t('reports.csv.period'),
    t('reports.csv.group'),
    t('reports.opened'),
    t('reports.closed'),
    t('reports.backlog'),
    t('reports.csv.firstResponseMedian'),
    t('reports.csv.firstResponseP90'),
    t('reports.csv.resolutionMedian'),
    t('reports.csv.resolutionP90'),
    ...figures.targets.flatMap((target) => [
      t('reports.csv.compliance', { target }),
      t('reports.csv.met', { target }),
      t('reports.csv.breached', { target }),
    ]),
    t('reports.csv.firstContact'),
    t('reports.csv.reassigned'),
    t('reports.csv.satisfaction'),
    t('reports.csv.responseRate'),
  ];
  const line = (row: ReportRow, group: string): CsvCell[] => [
    request.period.key,
    group,
    row.opened,
    row.closed,
    row.backlog,
    minutes(row.firstResponse.median),
    minutes(row.firstResponse.p90),
    minutes(row.resolution.median),
    minutes(row.resolution.p90),
    ...row.sla.flatMap((sla) => [percent(sla.compliance), sla.met, sla.breached]),
    rateOf(row.firstContact),
    rateOf(row.reassigned),
    row.satisfaction === undefined ? undefined : Math.round(row.satisfaction * 100) / 100,
    rateOf(row.surveyed),
  ];
  const rows =
    request.groupBy === 'none' ? [] : figures.rows.map((row) => line(row, row.key || t('reports.none')));
  return { header, rows: [...rows, line(figures.total, t('reports.total'))] };
}

/** Most tickets listed in a per-ticket CSV (a scheduled review of one period). */
export const MAX_TICKET_ROWS = 5000;

/**
 * One line per ticket (a scheduled open-ticket review, docs/adr/0027): number, procedure and
 * version, opened, state, closed, whether it was still open at the period's end, first response
 * and resolution in minutes, each SLA target's result, the declared dimensions, agents and groups.
 * Instants are local to `zone` (`YYYY-MM-DD HH:mm`).
 */
export function ticketsCsv(
  tickets: readonly TicketFacts[],
  request: Pick<ReportRequest, 'period'>,
  t: ReportLabel,
  zone: string,
): string {
  const shown = tickets.slice(0, MAX_TICKET_ROWS);
  const targets = [...new Set(shown.flatMap((ticket) => ticket.sla.map((clock) => clock.id)))].sort();
  const dims = [...new Set(shown.flatMap((ticket) => Object.keys(ticket.dims)))].sort();
  const format = new Intl.DateTimeFormat('sv-SE', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const local = (at: number | undefined) => (at === undefined ? undefined : format.format(new Date(at)));
  const end = request.period.to.getTime();
  const header = [
    t('reports.tickets.ticket'),
    t('reports.procedure'),
    t('reports.csv.version'),
    t('reports.tickets.opened'),
    t('reports.tickets.status'),
    t('reports.tickets.closed'),
    t('reports.backlog'),
    t('reports.csv.firstResponseMin'),
    t('reports.csv.resolutionMin'),
    ...targets.map((target) => t('reports.compliance', { target })),
    ...dims,
    t('reports.groupBy.agent'),
    t('reports.groupBy.group'),
  ];
  const rows = shown.map((ticket): CsvCell[] => [
    ticket.businessKey,
    ticket.procedureId,
    ticket.version,
    local(ticket.openedAt),
    ticket.status,
    local(ticket.closedAt),
    t(ticket.closedAt === undefined || ticket.closedAt >= end ? 'reports.csv.yes' : 'reports.csv.no'),
    minutes(ticket.firstResponseAt === undefined ? undefined : ticket.firstResponseAt - ticket.openedAt),
    minutes(ticket.resolvedAt === undefined ? undefined : ticket.resolvedAt - ticket.openedAt),
    ...targets.map((target) => ticket.sla.find((clock) => clock.id === target)?.status),
    ...dims.map((dim) => ticket.dims[dim]),
    ticket.agents.join(' '),
    ticket.groups.join(' '),
  ]);
  return toCsv(header, rows);
}
