import { Router, type Request } from 'express';
import type { InboxEntry } from '../../../app/inbox-service.js';
import { hasRole } from '../../../domain/actor.js';
import { webUser, type PageKit, type WebUser } from '../page.js';
import type { WebPageDeps } from '../web-deps.js';
import { backTo } from './back-to.js';
import { flashOf } from './flash.js';
import { applyFilters, parseFilters, SORTS, type InboxFilters } from './inbox-filters.js';

/** `/inbox` and the claim, unclaim and assign forms of its rows. */
export function inboxRoutes(deps: WebPageDeps, kit: PageKit): Router {
  const router = Router();
  const guard = kit.requirePageRole('agent', 'supervisor');

  router.get('/inbox', guard, async (req, res) => {
    const user = webUser(req);
    const filters = parseFilters(req.query as Record<string, unknown>);
    const procedureId = filters.procedureId;
    const tasks = await deps.tasks.list({ ...(procedureId ? { procedureId } : {}), limit: 500 }, user);
    const entries = await deps.inbox.entries(tasks);
    const rows = applyFilters(entries, filters, user.id).map((entry) => rowOf(entry, user));
    kit.renderPage(
      res,
      'agent/inbox',
      { title: 'agent.inbox.title', nav: 'inbox' },
      {
        rows,
        filters,
        procedures: (await deps.definitions.list()).map((version) => ({
          id: version.procedureId,
          name: version.catalog.name || version.procedureId,
        })),
        groups: groupsOf(user, entries),
        sorts: SORTS.map((sort) => ({ value: sort, key: `agent.inbox.sort.${sort}` })),
        supervisor: hasRole(user, 'supervisor'),
        next: req.originalUrl,
        flash: flashOf(req.query as Record<string, unknown>),
        filtered: isFiltered(filters),
      },
    );
  });

  router.post('/tasks/:taskId/claim', guard, async (req, res) => {
    await deps.tasks.claim(req.params.taskId as string, webUser(req));
    res.redirect(303, backTo(bodyOf(req).next));
  });

  router.post('/tasks/:taskId/unclaim', guard, async (req, res) => {
    await deps.tasks.unclaim(req.params.taskId as string, webUser(req));
    res.redirect(303, backTo(bodyOf(req).next));
  });

  router.post('/tasks/:taskId/assign', kit.requirePageRole('supervisor'), async (req, res) => {
    const assignee = bodyOf(req).assignee;
    await deps.tasks.assign(
      req.params.taskId as string,
      typeof assignee === 'string' ? assignee : '',
      webUser(req),
    );
    res.redirect(303, backTo(bodyOf(req).next));
  });

  return router;
}

function rowOf(entry: InboxEntry, user: WebUser) {
  const { task } = entry;
  return {
    id: task.id,
    href: `/tasks/${encodeURIComponent(task.id)}`,
    procedureName: entry.procedureName,
    ticketNumber: entry.ticketNumber,
    taskName: task.name,
    requester: entry.requester,
    priority: entry.priority,
    dueAt: entry.due?.at,
    slaClock: entry.due?.source === 'sla' ? entry.due.clockName : undefined,
    overdue: entry.overdue,
    createdAt: task.createdAt,
    assignee: task.assignee,
    mine: task.assignee === user.id,
    canClaim: !task.assignee && hasRole(user, 'agent'),
    canUnclaim: Boolean(task.assignee) && (task.assignee === user.id || hasRole(user, 'supervisor')),
    groups: task.candidateGroups.join(', '),
  };
}

/** The groups to filter by: the user's, or for supervisors every group in the list. */
function groupsOf(user: WebUser, entries: readonly InboxEntry[]): string[] {
  if (!hasRole(user, 'supervisor')) return [...user.groups];
  return [...new Set([...user.groups, ...entries.flatMap((entry) => entry.task.candidateGroups)])].sort();
}

function isFiltered(filters: InboxFilters): boolean {
  return Boolean(filters.procedureId || filters.group || filters.overdueOnly || filters.view === 'mine');
}

function bodyOf(req: Request): Record<string, unknown> {
  return (req.body ?? {}) as Record<string, unknown>;
}
