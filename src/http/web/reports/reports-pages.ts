import { Router } from 'express';
import type { ReportsService } from '../../../app/reports-service.js';
import { reportCsv } from '../../../app/reports-csv.js';
import { reportXlsx, XLSX_TYPE } from '../../../app/reports-xlsx.js';
import type { Translations } from '../core/i18n.js';
import { webUser, type PageKit } from '../page.js';
import type { WebPageDeps } from '../web-deps.js';
import { heatmapRoutes } from './heatmap-routes.js';
import { searchRoutes } from './search-routes.js';
import { param, parseMetric, parseReport, queryString } from './report-query.js';
import { periodView, REPORT_STYLES, reportView } from './report-view.js';

/** Most tickets a drill-down list shows. */
const LIST_LIMIT = 500;

/**
 * Supervisor reports under `/supervisor/reports` (docs/adr/0027): the period report with its
 * charts and tables (`?print=1`: the printable view), its CSV (`/supervisor/reports.csv`), the
 * tickets behind each figure (`/supervisor/reports/tickets`) and the diagram heatmap.
 */
export function reportPages(
  reports: ReportsService,
  deps: WebPageDeps,
  kit: PageKit,
  translations: Translations,
): Router {
  const router = Router();
  router.use('/supervisor/reports', kit.requirePageRole('supervisor'));
  router.use('/supervisor/reports.csv', kit.requirePageRole('supervisor'));
  router.use('/supervisor/reports.xlsx', kit.requirePageRole('supervisor'));

  router.get('/supervisor/reports', async (req, res) => {
    const procedures = await reports.procedures();
    const parsed = parseReport(req, procedures, deps.clock.now(), reports.timeZone);
    const figures = await reports.report(webUser(req), parsed.request);
    const openNow = await reports.openNow(webUser(req), parsed.request);
    const print = param(req, 'print') === '1';
    kit.renderPage(
      res,
      'reports/report',
      { title: 'reports.title', nav: 'reports', styles: REPORT_STYLES },
      {
        ...reportView(parsed, figures, procedures, reports.timeZone),
        print,
        ...(openNow === undefined ? {} : { openNow: String(openNow) }),
      },
    );
  });

  router.get('/supervisor/reports.csv', async (req, res) => {
    const user = webUser(req);
    const parsed = parseReport(req, await reports.procedures(), deps.clock.now(), reports.timeZone);
    const figures = await reports.report(user, parsed.request);
    const csv = reportCsv(figures, parsed.request, (key, vars) => translations.t(user.language, key, vars));
    const name = `report-${parsed.request.procedureId ?? 'all'}-${parsed.request.period.key}.csv`.replace(
      /[^A-Za-z0-9._-]/g,
      '_',
    );
    res.type('text/csv; charset=utf-8').attachment(name).send(csv);
  });

  router.get('/supervisor/reports.xlsx', async (req, res) => {
    const user = webUser(req);
    const parsed = parseReport(req, await reports.procedures(), deps.clock.now(), reports.timeZone);
    const figures = await reports.report(user, parsed.request);
    const label = (key: string, vars?: Record<string, string>) => translations.t(user.language, key, vars);
    const xlsx = await reportXlsx(figures, parsed.request, label);
    const name = `report-${parsed.request.procedureId ?? 'all'}-${parsed.request.period.key}.xlsx`.replace(
      /[^A-Za-z0-9._-]/g,
      '_',
    );
    res.type(XLSX_TYPE).attachment(name).send(xlsx);
  });

  router.get('/supervisor/reports/tickets', async (req, res) => {
    const procedures = await reports.procedures();
    const parsed = parseReport(req, procedures, deps.clock.now(), reports.timeZone);
    const metric = parseMetric(req);
    const group = typeof req.query.group === 'string' ? req.query.group.slice(0, 100) : undefined;
    const tickets = await reports.tickets(webUser(req), parsed.request, metric, group, LIST_LIMIT);
    kit.renderPage(
      res,
      'reports/tickets',
      { title: 'reports.tickets.title', nav: 'reports', styles: REPORT_STYLES },
      {
        period: periodView(parsed.request.period),
        metric,
        group,
        limit: LIST_LIMIT,
        truncated: tickets.length >= LIST_LIMIT,
        backUrl: `/supervisor/reports?${queryString(parsed.params)}`,
        tickets: tickets.map((ticket) => ({
          ...ticket,
          openedAt: new Date(ticket.openedAt),
          closedAt: ticket.closedAt === undefined ? undefined : new Date(ticket.closedAt),
          url: `/supervisor/instances/${encodeURIComponent(ticket.id)}`,
        })),
      },
    );
  });

  router.use(heatmapRoutes(reports, deps, kit));
  router.use(searchRoutes(reports, deps, kit));
  return router;
}
