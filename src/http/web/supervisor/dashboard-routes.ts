import { Router } from 'express';
import { INSTANCE_STATUSES } from '../../../app/instance-search.js';
import { webUser, type PageKit } from '../page.js';
import type { WebPageDeps } from '../web-deps.js';
import { barChart } from './bar-chart.js';
import { STYLES, statusKey } from './supervisor-views.js';

/**
 * The dashboard `/supervisor/dashboard`: open tickets by procedure and by step, tickets
 * by procedure and state, overdue, this week's opened/closed and the median time to
 * close; charts are inline SVG drawn on the server, each with the same figures as a table.
 */
export function dashboardRoutes(deps: WebPageDeps, kit: PageKit): Router {
  const router = Router();

  router.get('/dashboard', async (req, res) => {
    const figures = await deps.monitoring.dashboard(webUser(req));
    const stateTotals = INSTANCE_STATUSES.map((status) => ({
      label: statusKey(status),
      count: figures.byProcedureAndState.reduce((sum, row) => sum + row.counts[status], 0),
    }));
    kit.renderPage(
      res,
      'supervisor/dashboard',
      { title: 'supervisor.dashboard.title', nav: 'dashboard', styles: STYLES },
      {
        figures,
        // The week's last day, for "Mon 3 – Sun 9": the end is exclusive.
        weekLastDay: new Date(figures.week.end.getTime() - 1),
        statuses: INSTANCE_STATUSES.map((status) => ({ value: status, label: statusKey(status) })),
        stateRows: figures.byProcedureAndState.map((row) => ({
          ...row,
          cells: INSTANCE_STATUSES.map((status) => ({ status, count: row.counts[status] })),
        })),
        charts: {
          byProcedure: barChart(
            'chart-open-by-procedure',
            'supervisor.dashboard.openByProcedure',
            figures.openByProcedure,
          ),
          byStep: barChart('chart-open-by-step', 'supervisor.dashboard.openByStep', figures.openByStep),
          byState: barChart('chart-by-state', 'supervisor.dashboard.byState', stateTotals, {
            translate: true,
          }),
        },
        stateTotals,
      },
    );
  });

  return router;
}
