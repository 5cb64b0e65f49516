import { Router } from 'express';
import type { ReportsService } from '../../../app/reports-service.js';
import { INSTANCE_STATUSES } from '../../../app/instance-search.js';
import { AppError } from '../../../domain/errors.js';
import { webUser, type PageKit } from '../page.js';
import type { WebPageDeps } from '../web-deps.js';
import { param, parseReport } from './report-query.js';
import { periodView, REPORT_STYLES } from './report-view.js';

/** Most tickets one search lists. */
const SEARCH_LIMIT = 200;

/**
 * Supervisor search `/supervisor/reports/search` (docs/adr/0027): tickets opened or closed in a
 * period, by requester, words of their fields or conversation, ticket number and state; read from
 * the month buckets by `_id` (no scan of the history).
 */
export function searchRoutes(reports: ReportsService, deps: WebPageDeps, kit: PageKit): Router {
  const router = Router();

  router.get('/supervisor/reports/search', async (req, res) => {
    const procedures = await reports.procedures();
    const parsed = parseReport(req, procedures, deps.clock.now(), reports.timeZone);
    const status = param(req, 'status');
    if (status && !INSTANCE_STATUSES.includes(status as (typeof INSTANCE_STATUSES)[number]))
      throw new AppError('BAD_REQUEST', `search parameter <status>: "${status}" is not a state`);
    const criteria = {
      requester: param(req, 'requester'),
      words: param(req, 'words'),
      ticket: param(req, 'ticket'),
      status,
    };
    const asked = Object.values(criteria).some(Boolean);
    const found = asked
      ? await reports.search(
          webUser(req),
          {
            period: parsed.request.period,
            ...(parsed.request.procedureId ? { procedureId: parsed.request.procedureId } : {}),
            ...Object.fromEntries(Object.entries(criteria).filter(([, value]) => value)),
          },
          SEARCH_LIMIT,
        )
      : [];
    kit.renderPage(
      res,
      'reports/search',
      { title: 'reports.search.title', nav: 'reports', styles: REPORT_STYLES },
      {
        asked,
        criteria,
        period: periodView(parsed.request.period),
        kinds: ['day', 'week', 'month', 'custom'].map((kind) => ({
          value: kind,
          selected: kind === parsed.request.period.kind,
        })),
        procedures: procedures.map((p) => ({ ...p, selected: p.id === parsed.request.procedureId })),
        statuses: INSTANCE_STATUSES.map((value) => ({ value, selected: value === status })),
        truncated: found.length >= SEARCH_LIMIT,
        limit: SEARCH_LIMIT,
        tickets: found.map((ticket) => ({
          ...ticket,
          openedAt: new Date(ticket.openedAt),
          closedAt: ticket.closedAt === undefined ? undefined : new Date(ticket.closedAt),
          url: `/supervisor/instances/${encodeURIComponent(ticket.id)}`,
        })),
      },
    );
  });

  return router;
}
