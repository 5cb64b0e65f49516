import type { InboxEntry } from '../../../app/inbox-service.js';

/** Ways to sort the inbox. */
export const SORTS = ['due', 'created', 'priority'] as const;
export type InboxSort = (typeof SORTS)[number];

/** The inbox filters, from GET query parameters (so they work without JavaScript). */
export interface InboxFilters {
  readonly procedureId?: string;
  readonly group?: string;
  /** `mine`: only tasks assigned to me; `all`: everything offered to me too. */
  readonly view: 'all' | 'mine';
  readonly overdueOnly: boolean;
  readonly sort: InboxSort;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$/;

/** The filters of a query string; unknown or malformed values fall back to the defaults. */
export function parseFilters(query: Record<string, unknown>): InboxFilters {
  const sort = SORTS.find((candidate) => candidate === query.sort) ?? 'due';
  return {
    ...(id(query.procedure) ? { procedureId: query.procedure as string } : {}),
    ...(id(query.group) ? { group: query.group as string } : {}),
    view: query.view === 'mine' ? 'mine' : 'all',
    overdueOnly: query.overdue === '1' || query.overdue === 'true' || query.overdue === 'on',
    sort,
  };
}

/** The entries the filters keep, in the chosen order (ties: oldest task first). */
export function applyFilters(
  entries: readonly InboxEntry[],
  filters: InboxFilters,
  me: string,
): InboxEntry[] {
  const kept = entries.filter(
    (entry) =>
      (filters.view === 'all' || entry.task.assignee === me) &&
      (!filters.overdueOnly || entry.overdue) &&
      (!filters.group || entry.task.candidateGroups.includes(filters.group)),
  );
  return kept.sort((a, b) => compare(a, b, filters.sort) || created(a) - created(b));
}

function compare(a: InboxEntry, b: InboxEntry, sort: InboxSort): number {
  if (sort === 'priority') return a.priorityRank - b.priorityRank;
  if (sort === 'created') return created(b) - created(a);
  return dueTime(a) - dueTime(b);
}

function created(entry: InboxEntry): number {
  return new Date(entry.task.createdAt).getTime();
}

/** Tasks without a due date sort after every dated one. */
function dueTime(entry: InboxEntry): number {
  return entry.due ? entry.due.at.getTime() : Number.MAX_SAFE_INTEGER;
}

function id(value: unknown): boolean {
  return typeof value === 'string' && ID.test(value);
}
