import { toCsv, type CsvCell } from '../domain/reports/csv.js';
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
