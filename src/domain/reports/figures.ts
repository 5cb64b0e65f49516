/**
 * Report figures from ticket facts (docs/adr/0027). Opened counts tickets opened in the period;
 * every other figure is over the tickets closed in it: times (median and 90th percentile, nearest
 * rank), SLA compliance per target, first-contact resolution, reassignment rate, satisfaction.
 */
import { isFirstContactResolution, type TicketFacts } from './facts.js';

/**
 * How rows are grouped: one total, or by procedure, procedure version (`<procedureId> v<n>`),
 * channel, a declared dimension, agent or group.
 */
export type GroupBy = 'none' | 'procedure' | 'version' | 'channel' | 'agent' | 'group' | `dim:${string}`;

/** What a report covers. */
export interface ReportQuery {
  readonly from: number;
  readonly to: number;
  readonly procedureId?: string;
  readonly groupBy: GroupBy;
}

/** A duration figure in milliseconds over `count` tickets. */
export interface DurationStat {
  readonly count: number;
  readonly median?: number;
  readonly p90?: number;
}

/** A share: `count` of `of`, and the rate when `of` > 0. */
export interface Share {
  readonly count: number;
  readonly of: number;
  readonly rate?: number;
}

/** SLA results of one target among the tickets closed in the period. */
export interface SlaFigure {
  readonly target: string;
  readonly met: number;
  readonly breached: number;
  readonly compliance?: number;
  /** Median business time counted on this clock. */
  readonly elapsed: DurationStat;
}

/** One row of the report (a group value, or the total). */
export interface ReportRow {
  /** The group value; '' when the ticket has none. */
  readonly key: string;
  readonly opened: number;
  readonly closed: number;
  /** Opened in the period and still open at its end (or now, for the current period). */
  readonly backlog: number;
  readonly firstResponse: DurationStat;
  readonly resolution: DurationStat;
  readonly sla: readonly SlaFigure[];
  readonly firstContact: Share;
  readonly reassigned: Share;
  readonly surveyed: Share;
  /** Average rating of the answers (absent without any). */
  readonly satisfaction?: number;
}

/** The figures of a report. */
export interface ReportFigures {
  readonly rows: readonly ReportRow[];
  readonly total: ReportRow;
  /** SLA target ids met in the period, sorted. */
  readonly targets: readonly string[];
}

/** Figures a drill-down link may name. */
export type Metric =
  | 'opened'
  | 'closed'
  | 'backlog'
  | 'fcr'
  | 'reassigned'
  | 'surveyed'
  | `met:${string}`
  | `breached:${string}`;

/** Computes the report: rows sorted by closed then opened count, and the total. */
export function computeReport(facts: Iterable<TicketFacts>, query: ReportQuery): ReportFigures {
  const groups = new Map<string, TicketFacts[]>();
  const all: TicketFacts[] = [];
  for (const ticket of facts) {
    if (!inScope(ticket, query)) continue;
    all.push(ticket);
    if (query.groupBy === 'none') continue;
    for (const key of groupKeys(ticket, query.groupBy)) {
      const list = groups.get(key);
      if (list) list.push(ticket);
      else groups.set(key, [ticket]);
    }
  }
  const targets = [...new Set(all.flatMap((ticket) => ticket.sla.map((clock) => clock.id)))].sort();
  const rows = [...groups].map(([key, tickets]) => row(key, tickets, query, targets));
  rows.sort((a, b) => b.closed - a.closed || b.opened - a.opened || a.key.localeCompare(b.key));
  return { rows, total: row('', all, query, targets), targets };
}

/** True when the ticket counts for the report at all (opened or closed in the period, procedure). */
export function inScope(ticket: TicketFacts, query: ReportQuery): boolean {
  if (query.procedureId && ticket.procedureId !== query.procedureId) return false;
  return within(ticket.openedAt, query) || within(ticket.closedAt, query);
}

/** The group values of a ticket (agents and groups: one per person or group, '' for none). */
export function groupKeys(ticket: TicketFacts, groupBy: GroupBy): readonly string[] {
  if (groupBy === 'none') return [''];
  if (groupBy === 'procedure') return [ticket.procedureId];
  if (groupBy === 'version') return [`${ticket.procedureId} v${ticket.version}`];
  if (groupBy === 'channel') return [ticket.channel ?? ''];
  if (groupBy === 'agent') return ticket.agents.length ? ticket.agents : [''];
  if (groupBy === 'group') return ticket.groups.length ? ticket.groups : [''];
  return [ticket.dims[groupBy.slice(4)] ?? ''];
}

/** True when the ticket is one of those a figure counts (for the list behind it). */
export function countsFor(ticket: TicketFacts, metric: Metric, query: ReportQuery): boolean {
  if (metric === 'opened') return within(ticket.openedAt, query);
  if (metric === 'backlog') return isBacklog(ticket, query);
  if (!within(ticket.closedAt, query)) return false;
  if (metric === 'closed') return true;
  if (metric === 'fcr') return isFirstContactResolution(ticket);
  if (metric === 'reassigned') return ticket.reassignments > 0;
  if (metric === 'surveyed') return ticket.status === 'completed' && ticket.satisfaction !== undefined;
  const [result, target] = metric.split(':') as ['met' | 'breached', string];
  return ticket.sla.some((clock) => clock.id === target && clock.status === result);
}

/** The value at percentile `p` (nearest rank) of unsorted numbers; undefined when empty. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

function isBacklog(ticket: TicketFacts, query: ReportQuery): boolean {
  return within(ticket.openedAt, query) && (ticket.closedAt === undefined || ticket.closedAt >= query.to);
}

function within(at: number | undefined, query: ReportQuery): boolean {
  return at !== undefined && at >= query.from && at < query.to;
}

/** One pass over the group's tickets (a month holds up to ~100,000). */
function row(
  key: string,
  tickets: readonly TicketFacts[],
  query: ReportQuery,
  targets: readonly string[],
): ReportRow {
  let opened = 0;
  let backlog = 0;
  let completed = 0;
  let firstContact = 0;
  let reassigned = 0;
  let ratingSum = 0;
  const closed: TicketFacts[] = [];
  const firstResponse: number[] = [];
  const resolution: number[] = [];
  const ratings: number[] = [];
  const clocks = new Map(targets.map((target) => [target, { met: 0, breached: 0, elapsed: [] as number[] }]));
  for (const ticket of tickets) {
    if (within(ticket.openedAt, query)) {
      opened++;
      if (ticket.closedAt === undefined || ticket.closedAt >= query.to) backlog++;
    }
    if (!within(ticket.closedAt, query)) continue;
    closed.push(ticket);
    if (ticket.firstResponseAt !== undefined) firstResponse.push(ticket.firstResponseAt - ticket.openedAt);
    if (ticket.resolvedAt !== undefined) resolution.push(ticket.resolvedAt - ticket.openedAt);
    if (ticket.reassignments > 0) reassigned++;
    if (ticket.status === 'completed') {
      completed++;
      if (isFirstContactResolution(ticket)) firstContact++;
      // Surveys follow a completion: answers on cancelled tickets are left out (rate ≤ 100 %).
      if (ticket.satisfaction) {
        ratings.push(ticket.satisfaction.rating);
        ratingSum += ticket.satisfaction.rating;
      }
    }
    for (const clock of ticket.sla) {
      const figure = clocks.get(clock.id);
      if (!figure || (clock.status !== 'met' && clock.status !== 'breached')) continue;
      if (clock.status === 'met') figure.met++;
      else figure.breached++;
      figure.elapsed.push(clock.elapsedMs);
    }
  }
  return {
    key,
    opened,
    closed: closed.length,
    backlog,
    firstResponse: durations(firstResponse),
    resolution: durations(resolution),
    sla: targets.map((target) => {
      const { met, breached, elapsed } = clocks.get(target)!;
      const all = met + breached;
      return {
        target,
        met,
        breached,
        ...(all ? { compliance: met / all } : {}),
        elapsed: durations(elapsed),
      };
    }),
    firstContact: share(firstContact, completed),
    reassigned: share(reassigned, closed.length),
    surveyed: share(ratings.length, completed),
    ...(ratings.length ? { satisfaction: ratingSum / ratings.length } : {}),
  };
}

/** Median and 90th percentile (nearest rank) of the non-negative values: one typed-array sort. */
function durations(values: readonly number[]): DurationStat {
  const known = Float64Array.from(values.filter((value) => Number.isFinite(value) && value >= 0)).sort();
  if (known.length === 0) return { count: 0 };
  const rank = (p: number) => known[Math.max(1, Math.ceil((p / 100) * known.length)) - 1]!;
  return { count: known.length, median: rank(50), p90: rank(90) };
}

function share(count: number, of: number): Share {
  return { count, of, ...(of > 0 ? { rate: count / of } : {}) };
}
