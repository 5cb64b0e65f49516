import { Router, type Request } from 'express';
import { INSTANCE_STATUSES, keptValues, type InstanceSearch } from '../../../app/instance-search.js';
import type { InstancePage } from '../../../app/monitoring-service.js';
import { isAppError, type FieldIssue } from '../../../domain/errors.js';
import { webUser, type PageKit } from '../page.js';
import type { WebPageDeps } from '../web-deps.js';
import { STYLES, fieldErrors, statusKey } from './supervisor-views.js';

const FILTERS = ['procedure', 'status', 'overdue', 'from', 'to', 'ticket'] as const;

/**
 * The instance list `/supervisor/instances`: filters are GET parameters (a plain form,
 * no JavaScript), results newest first, one page at a time. Bad filters re-render the
 * form with the errors marked and an empty list (422).
 */
export function instanceListRoutes(deps: WebPageDeps, kit: PageKit): Router {
  const router = Router();

  router.get('/instances', async (req, res) => {
    const user = webUser(req);
    const input = queryInput(req);
    const procedures = await deps.monitoring.procedures(user);
    const chrome = { title: 'supervisor.instances.title', nav: 'instances', styles: STYLES };
    const common = {
      procedures,
      statuses: INSTANCE_STATUSES.map((status) => ({ value: status, label: statusKey(status) })),
      values: keptValues(input),
    };
    let page: InstancePage;
    try {
      page = await deps.monitoring.search(input, user);
    } catch (error) {
      if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') throw error;
      kit.renderPage(
        res,
        'supervisor/instances',
        chrome,
        { ...common, errors: fieldErrors(error.details), rows: [] },
        422,
      );
      return;
    }
    kit.renderPage(res, 'supervisor/instances', chrome, {
      ...common,
      errors: fieldErrors([] as FieldIssue[]),
      filtered: FILTERS.some((key) => common.values[key]),
      rows: page.rows.map((row) => ({
        ...row,
        statusLabel: statusKey(row.status),
        url: `/supervisor/instances/${encodeURIComponent(row.id)}`,
      })),
      pager: pager(page.search, page.hasNext),
    });
  });

  return router;
}

/** The filter parameters (first value of repeated ones). */
function queryInput(req: Request): Record<string, string> {
  const input: Record<string, string> = {};
  for (const key of [...FILTERS, 'page']) {
    const raw = req.query[key];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (typeof value === 'string') input[key] = value;
  }
  return input;
}

/** Links to the previous and next page, keeping the filters. */
function pager(search: InstanceSearch, hasNext: boolean) {
  const link = (page: number) => {
    const params = new URLSearchParams();
    if (search.procedure) params.set('procedure', search.procedure);
    if (search.status) params.set('status', search.status);
    if (search.overdue) params.set('overdue', '1');
    if (search.from) params.set('from', search.from);
    if (search.to) params.set('to', search.to);
    if (search.ticket) params.set('ticket', search.ticket);
    params.set('page', String(page));
    return `/supervisor/instances?${params.toString()}`;
  };
  return {
    page: search.page,
    ...(search.page > 1 ? { previous: link(search.page - 1) } : {}),
    ...(hasNext ? { next: link(search.page + 1) } : {}),
  };
}
