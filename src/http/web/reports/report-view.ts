import type { ReportProcedure } from '../../../app/reports-service.js';
import type { ReportFigures, ReportRow, Share } from '../../../domain/reports/figures.js';
import { shiftPeriod, type Period } from '../../../domain/reports/period.js';
import { barChart } from '../supervisor/bar-chart.js';
import { FIXED_GROUPS, queryString, type ParsedReport } from './report-query.js';

/** Stylesheets of the report pages. */
export const REPORT_STYLES: readonly string[] = ['/assets/css/supervisor.css', '/assets/css/reports.css'];

/** A period for templates: with its last day as a date (`formatDate … "date"`). */
export function periodView(period: Period) {
  return { ...period, lastDayDate: new Date(period.to.getTime() - 1) };
}

const percent = (rate: number | undefined) => (rate === undefined ? undefined : Math.round(rate * 1000) / 10);

/** The page model of a report: form choices, navigation, rows with their drill-down links, charts. */
export function reportView(
  parsed: ParsedReport,
  figures: ReportFigures,
  procedures: readonly ReportProcedure[],
  zone: string,
) {
  const { params, request } = parsed;
  const link = (extra: Record<string, string>) => `/supervisor/reports/tickets?${queryString(params, extra)}`;
  const navigate = (by: -1 | 1) => {
    const period = shiftPeriod(request.period, by, zone);
    const moved: Record<string, string> = { ...params, day: period.firstDay };
    if (request.period.kind === 'custom') moved.to = period.lastDay;
    return `/supervisor/reports?${queryString(moved)}`;
  };
  const selected = procedures.find((p) => p.id === request.procedureId);
  const dimensionGroups = (selected ? [selected] : procedures).flatMap((p) =>
    p.dimensions.map((d) => ({ value: `dim:${d.variable}`, label: d.label })),
  );
  const groups = [
    ...FIXED_GROUPS.map((value) => ({
      value,
      labelKey: `reports.groupBy.${value}`,
    })),
    ...uniqueBy(dimensionGroups, (g) => g.value),
  ].map((group) => ({ ...group, selected: group.value === request.groupBy }));
  const rowView = (row: ReportRow, total: boolean) => {
    const group: Record<string, string> = total ? {} : { group: row.key };
    const shareView = (share: Share, metric: string) => ({
      ...share,
      percent: percent(share.rate),
      url: link({ ...group, metric }),
    });
    return {
      ...row,
      label: row.key,
      total,
      openedUrl: link({ ...group, metric: 'opened' }),
      closedUrl: link({ ...group, metric: 'closed' }),
      backlogUrl: link({ ...group, metric: 'backlog' }),
      slaCells: row.sla.map((sla) => ({
        ...sla,
        percent: percent(sla.compliance),
        metUrl: link({ ...group, metric: `met:${sla.target}` }),
        breachedUrl: link({ ...group, metric: `breached:${sla.target}` }),
      })),
      firstContactView: shareView(row.firstContact, 'fcr'),
      reassignedView: shareView(row.reassigned, 'reassigned'),
      surveyedView: shareView(row.surveyed, 'surveyed'),
      satisfactionText: row.satisfaction === undefined ? undefined : row.satisfaction.toFixed(2),
    };
  };
  const rows = request.groupBy === 'none' ? [] : figures.rows.map((row) => rowView(row, false));
  return {
    params,
    period: periodView(request.period),
    kinds: ['day', 'week', 'month', 'custom'].map((kind) => ({
      value: kind,
      selected: kind === request.period.kind,
    })),
    procedures: procedures.map((p) => ({ ...p, selected: p.id === request.procedureId })),
    groups,
    grouped: request.groupBy !== 'none',
    targets: figures.targets,
    rows,
    total: rowView(figures.total, true),
    previousUrl: navigate(-1),
    nextUrl: navigate(1),
    csvUrl: `/supervisor/reports.csv?${queryString(params)}`,
    xlsxUrl: `/supervisor/reports.xlsx?${queryString(params)}`,
    printUrl: `/supervisor/reports?${queryString(params, { print: '1' })}`,
    heatmapUrl: request.procedureId ? `/supervisor/reports/heatmap?${queryString(params)}` : undefined,
    charts: {
      closed: barChart(
        'rp-chart-closed',
        'reports.chart.closed',
        figures.rows.map((row) => ({
          label: row.key || '—',
          count: row.closed,
          url: link({ group: row.key, metric: 'closed' }),
        })),
      ),
      // Each bar links to the tickets it counts (compliance: those that met the target).
      compliance: barChart(
        'rp-chart-compliance',
        'reports.chart.compliance',
        figures.total.sla.map((sla) => ({
          label: sla.target,
          count: percent(sla.compliance) ?? 0,
          url: link({ metric: `met:${sla.target}` }),
        })),
      ),
    },
  };
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => (seen.has(key(item)) ? false : (seen.add(key(item)), true)));
}
