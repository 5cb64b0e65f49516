/** Pure figures of the supervisors' views, computed from instance heads (no I/O, time passed in). */
import { DateTime } from 'luxon';
import { ticketDue } from '../domain/due.js';
import { isOpenStatus, type InstanceRecord, type InstanceStatus } from '../domain/instance.js';
import type { ProcedureCatalog } from '../domain/procedure.js';

/** The head fields the figures read (heads are listed without engine state). */
export type HeadSummary = Pick<
  InstanceRecord,
  | 'id'
  | 'procedureId'
  | 'definitionId'
  | 'status'
  | 'timers'
  | 'sla'
  | 'activeActivities'
  | 'startedAt'
  | 'endedAt'
>;

/**
 * The ticket's due instant (`domain/due.ts`: the earliest BPMN timer it waits on or running SLA
 * clock's target; SLA warning thresholds are not due instants), if any.
 */
export function nextDue(head: Pick<InstanceRecord, 'timers' | 'sla'>): Date | undefined {
  return ticketDue(head)?.at;
}

/**
 * The steps a ticket waits in, for lists and counts: its active activities without boundary
 * events (a boundary timer such as "4 horas sin resolver" waits alongside its task; it is not a
 * step of its own). Without the catalog every activity counts.
 */
export function currentSteps(
  activeActivities: readonly string[],
  catalog: ProcedureCatalog | undefined,
): string[] {
  return [...new Set(activeActivities)].filter((id) => catalog?.timers[id]?.eventType !== 'boundary');
}

/** True when something the instance waits on was due before `now` (the store's overdue filter adds: running). */
export function isOverdue(head: Pick<InstanceRecord, 'timers' | 'sla'>, now: Date): boolean {
  const due = nextDue(head);
  return due !== undefined && due.getTime() < now.getTime();
}

/** The ISO week (Monday 00:00 to next Monday 00:00) containing `now`, in the time zone. */
export function weekOf(now: Date, timeZone: string): { start: Date; end: Date } {
  const start = DateTime.fromJSDate(now, { zone: timeZone }).startOf('week');
  return { start: start.toJSDate(), end: start.plus({ weeks: 1 }).toJSDate() };
}

/** The median of the values (mean of the two middle ones for an even count), or undefined when empty. */
export function median(values: readonly number[]): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A labelled count, e.g. open tickets of one procedure. */
export interface CountRow {
  readonly key: string;
  readonly label: string;
  readonly count: number;
}

/** Tickets of one procedure by state. */
export interface ProcedureStates {
  readonly procedureId: string;
  readonly name: string;
  readonly counts: Readonly<Record<InstanceStatus, number>>;
  readonly total: number;
}

/** Everything the dashboard shows. */
export interface DashboardFigures {
  readonly now: Date;
  readonly week: { readonly start: Date; readonly end: Date };
  readonly openByProcedure: readonly CountRow[];
  /** Open tickets by the step they wait in (one ticket counts in each of its active steps). */
  readonly openByStep: readonly CountRow[];
  readonly byProcedureAndState: readonly ProcedureStates[];
  readonly open: number;
  readonly overdue: number;
  readonly openedThisWeek: number;
  /** Completed or cancelled with `endedAt` in this week. */
  readonly closedThisWeek: number;
  /** Median of `endedAt - startedAt` over the completed instances seen. */
  readonly medianTimeToCloseMs?: number;
  readonly completedSeen: number;
  readonly scanned: number;
}

/** How to name procedures and steps. */
export interface FigureLabels {
  procedureName(procedureId: string): string;
  activityName(definitionId: string, activityId: string): string;
  /** Whether an active activity counts as a step (default: all do); see `currentSteps`. */
  isStep?(definitionId: string, activityId: string): boolean;
}

/** Aggregates the heads into the dashboard figures. */
export function dashboardFigures(
  heads: readonly HeadSummary[],
  context: { now: Date; timeZone: string; labels: FigureLabels },
): DashboardFigures {
  const { now, labels } = context;
  const week = weekOf(now, context.timeZone);
  const inWeek = (date?: Date) => date !== undefined && date >= week.start && date < week.end;
  const open = heads.filter((head) => isOpenStatus(head.status));
  const completed = heads.filter((head) => head.status === 'completed' && head.endedAt);
  return {
    now,
    week,
    openByProcedure: countBy(open, (head) => [[head.procedureId, labels.procedureName(head.procedureId)]]),
    openByStep: countBy(open, (head) =>
      [...new Set(head.activeActivities)]
        .filter((activityId) => labels.isStep?.(head.definitionId, activityId) ?? true)
        .map((activityId) => [
          `${head.procedureId}:${activityId}`,
          // Step first: chart labels are cut at the end.
          `${labels.activityName(head.definitionId, activityId)} · ${labels.procedureName(head.procedureId)}`,
        ]),
    ),
    byProcedureAndState: procedureStates(heads, labels),
    open: open.length,
    overdue: open.filter((head) => isOverdue(head, now)).length,
    openedThisWeek: heads.filter((head) => inWeek(new Date(head.startedAt))).length,
    closedThisWeek: heads.filter(
      (head) =>
        (head.status === 'completed' || head.status === 'cancelled') &&
        head.endedAt !== undefined &&
        inWeek(new Date(head.endedAt)),
    ).length,
    ...optional(
      'medianTimeToCloseMs',
      median(completed.map((head) => new Date(head.endedAt!).getTime() - new Date(head.startedAt).getTime())),
    ),
    completedSeen: completed.length,
    scanned: heads.length,
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** Counts per key, largest first (ties by label). */
function countBy(heads: readonly HeadSummary[], keys: (head: HeadSummary) => [string, string][]): CountRow[] {
  const rows = new Map<string, { key: string; label: string; count: number }>();
  for (const head of heads) {
    for (const [key, label] of keys(head)) {
      const row = rows.get(key) ?? { key, label, count: 0 };
      row.count += 1;
      rows.set(key, row);
    }
  }
  return [...rows.values()].sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

function procedureStates(heads: readonly HeadSummary[], labels: FigureLabels): ProcedureStates[] {
  const byProcedure = new Map<string, Record<InstanceStatus, number>>();
  for (const head of heads) {
    // `incident` is counted only where there is one (the dashboard's columns are the other four).
    const counts =
      byProcedure.get(head.procedureId) ??
      ({ running: 0, completed: 0, cancelled: 0, failed: 0 } as Record<InstanceStatus, number>);
    counts[head.status] = (counts[head.status] ?? 0) + 1;
    byProcedure.set(head.procedureId, counts);
  }
  return [...byProcedure.entries()]
    .map(([procedureId, counts]) => ({
      procedureId,
      name: labels.procedureName(procedureId),
      counts,
      total: Object.values(counts).reduce((sum, count) => sum + count, 0),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
