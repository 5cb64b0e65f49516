import { Router, type Request } from 'express';
import type { InboxEntry } from '../../../app/inbox-service.js';
import { hasRole } from '../../../domain/actor.js';
import type { ProcedureVersion } from '../../../domain/procedure.js';
import { readableCandidates } from '../core/candidate-names.js';
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
    // `?followUp=later`: the tasks scheduled for later (camunda:followUpDate), hidden by default (ADR 0030).
    const later = req.query.followUp === 'later';
    const scope = { ...(procedureId ? { procedureId } : {}), limit: 500 };
    const tasks = await deps.tasks.list({ ...scope, followUp: later ? 'later' : 'due' }, user);
    const otherView = await deps.tasks.list({ ...scope, followUp: later ? 'due' : 'later' }, user);
    const entries = await deps.inbox.entries(tasks);
    const shown = applyFilters(entries, filters, user.id);
    // Candidate users (`user:<id>`) by name, not id.
    const groupLabels = await readableCandidates(
      shown.map((entry) => entry.groupNames),
      deps.accounts,
    );
    const rows = shown.map((entry, index) => rowOf(entry, user, groupLabels[index] ?? entry.groupNames));
    const versions = await deps.definitions.list();
    const groups = groupsOf(user, entries, versions);
    const [groupNames = []] = await readableCandidates([groups.map((group) => group.name)], deps.accounts);
    kit.renderPage(
      res,
      'agent/inbox',
      { title: 'agent.inbox.title', nav: 'inbox' },
      {
        rows,
        filters,
        procedures: versions.map((version) => ({
          id: version.procedureId,
          name: version.catalog.name || version.procedureId,
        })),
        groups: groups.map((group, index) => ({ ...group, name: groupNames[index] ?? group.name })),
        sorts: SORTS.map((sort) => ({ value: sort, key: `agent.inbox.sort.${sort}` })),
        supervisor: hasRole(user, 'supervisor'),
        next: req.originalUrl,
        flash: flashOf(req.query as Record<string, unknown>),
        filtered: isFiltered(filters),
        followUp: { later, otherCount: otherView.length },
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

function rowOf(entry: InboxEntry, user: WebUser, groupLabels: readonly string[]) {
  const { task } = entry;
  return {
    id: task.id,
    href: `/tasks/${encodeURIComponent(task.id)}`,
    procedureName: entry.procedureName,
    ticketNumber: entry.ticketNumber,
    taskName: task.name,
    // A multi-instance item: "item 2 of 3" (ADR 0031).
    itemIndex: task.item?.index,
    itemCount: task.item?.count,
    requester: entry.requester,
    priority: entry.priorityLabel ?? entry.priority,
    dueAt: entry.due?.at,
    // What the due instant is (domain/due.ts): the task's timer or an SLA clock, by name.
    dueKind: entry.due?.kind,
    dueName: entry.due?.name,
    overdue: entry.overdue,
    createdAt: task.createdAt,
    assignee: task.assignee,
    mine: task.assignee === user.id,
    canClaim: !task.assignee && hasRole(user, 'agent'),
    canUnclaim: Boolean(task.assignee) && (task.assignee === user.id || hasRole(user, 'supervisor')),
    groups: groupLabels.join(', '),
  };
}

/** The groups to filter by (lane names where the tasks tell them): the user's, or for supervisors every group in the list. */
function groupsOf(
  user: WebUser,
  entries: readonly InboxEntry[],
  versions: readonly ProcedureVersion[],
): { id: string; name: string }[] {
  const names = new Map<string, string>();
  for (const lane of versions.flatMap((version) => version.catalog.lanes))
    names.set(lane.id, lane.name || lane.id);
  for (const entry of entries) {
    entry.task.candidateGroups.forEach((id, index) => names.set(id, entry.groupNames[index] ?? id));
  }
  const ids = hasRole(user, 'supervisor')
    ? [...new Set([...user.groups, ...entries.flatMap((entry) => entry.task.candidateGroups)])].sort()
    : [...user.groups];
  return ids.map((id) => ({ id, name: names.get(id) ?? id }));
}

function isFiltered(filters: InboxFilters): boolean {
  return Boolean(filters.procedureId || filters.group || filters.overdueOnly || filters.view === 'mine');
}

function bodyOf(req: Request): Record<string, unknown> {
  return (req.body ?? {}) as Record<string, unknown>;
}
