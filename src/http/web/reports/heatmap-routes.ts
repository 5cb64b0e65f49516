import { Router } from 'express';
import type { HeatmapStep, ReportsService } from '../../../app/reports-service.js';
import { AppError } from '../../../domain/errors.js';
import { webUser, type PageKit } from '../page.js';
import type { WebPageDeps } from '../web-deps.js';
import { param, parseReport, queryString } from './report-query.js';
import { periodView } from './report-view.js';

const HEATMAP_ASSETS = {
  styles: [
    '/assets/bpmn-js/assets/diagram-js.css',
    '/assets/bpmn-js/assets/bpmn-js.css',
    '/assets/bpmn-js/assets/bpmn-font/css/bpmn.css',
    '/assets/css/diagram.css',
    '/assets/css/supervisor.css',
    '/assets/css/reports.css',
  ],
  scripts: [
    '/assets/bpmn-js/bpmn-navigated-viewer.production.min.js',
    '/assets/js/diagram-controls.js',
    '/assets/js/reports-heatmap.js',
  ],
};

/** Heat levels 0 (no finished stay) to 4 (the slowest median of the diagram). */
export function heatLevels(steps: readonly HeatmapStep[]): (HeatmapStep & { level: number })[] {
  const slowest = Math.max(0, ...steps.map((step) => step.medianMs ?? 0));
  return steps.map((step) => ({
    ...step,
    level:
      step.medianMs === undefined || slowest === 0
        ? 0
        : Math.max(1, Math.ceil((4 * step.medianMs) / slowest)),
  }));
}

/**
 * The diagram heatmap `/supervisor/reports/heatmap?procedure=…` (docs/adr/0027): the procedure's
 * current diagram with, per step, the stays begun in the period, their median time (the colour)
 * and the tickets waiting there now; the same figures as a table for screen readers and print.
 */
export function heatmapRoutes(reports: ReportsService, deps: WebPageDeps, kit: PageKit): Router {
  const router = Router();

  router.get('/supervisor/reports/heatmap', async (req, res) => {
    const procedures = await reports.procedures();
    const parsed = parseReport(req, procedures, deps.clock.now(), reports.timeZone);
    const procedureId = parsed.request.procedureId;
    if (!procedureId)
      throw new AppError('BAD_REQUEST', 'report parameter <procedure>: the heatmap needs a procedure');
    const version = await deps.definitions.current(procedureId);
    const steps = heatLevels(await reports.heatmap(webUser(req), parsed.request.period, procedureId));
    const names = new Map(Object.values(version.catalog.userTasks).map((task) => [task.id, task.name]));
    kit.renderPage(
      res,
      'reports/heatmap',
      { title: 'reports.heatmap.title', nav: 'reports', ...HEATMAP_ASSETS },
      {
        name: version.catalog.name,
        version: version.version,
        period: periodView(parsed.request.period),
        backUrl: `/supervisor/reports?${queryString(parsed.params)}`,
        steps: steps.map((step) => ({ ...step, name: names.get(step.activityId) ?? step.activityId })),
        heatmap: {
          xmlUrl: `/supervisor/reports/heatmap.bpmn?${queryString({ procedure: procedureId })}`,
          steps,
        },
      },
    );
  });

  router.get('/supervisor/reports/heatmap.bpmn', async (req, res) => {
    const procedureId = param(req, 'procedure');
    if (!procedureId) throw new AppError('BAD_REQUEST', 'report parameter <procedure> is required');
    const version = await deps.definitions.current(procedureId);
    res.type('application/xml').send(version.xml);
  });

  return router;
}
