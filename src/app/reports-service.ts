import type { Actor } from '../domain/actor.js';
import type { Clock } from '../domain/clock.js';
import { isOpenStatus } from '../domain/instance.js';
import type { ReportDimension } from '../domain/reports/dimensions.js';
import type { TicketFacts } from '../domain/reports/facts.js';
import {
  computeReport,
  countsFor,
  groupKeys,
  inScope,
  percentile,
  type GroupBy,
  type Metric,
  type ReportFigures,
  type ReportQuery,
} from '../domain/reports/figures.js';
import { bucketMonth, monthsOfPeriod, nextBucketMonth, type Period } from '../domain/reports/period.js';
import { requireRole } from './authorization.js';
import type { DefinitionsService } from './definitions-service.js';
import type { InstanceStore } from './ports.js';
import type { ReportFactsStore, TicketVisits } from './reports-ports.js';
import { isDryRun } from './dry-run-id.js';

/** Collaborators of the reports. */
export interface ReportsServiceDeps {
  readonly facts: ReportFactsStore;
  /** Open tickets (served from the open-work model, docs/adr/0017): where tickets wait now. */
  readonly store: Pick<InstanceStore, 'listInstances'>;
  readonly definitions: Pick<DefinitionsService, 'list'>;
  readonly clock: Clock;
  readonly timeZone: string;
}

/** A procedure a report may pick, with the dimensions it declares. */
export interface ReportProcedure {
  readonly id: string;
  readonly name: string;
  readonly dimensions: readonly ReportDimension[];
}

/** What a report asks for. */
export interface ReportRequest {
  readonly period: Period;
  readonly procedureId?: string;
  readonly groupBy: GroupBy;
}

/** What a supervisor searches for (every criterion given must hold). */
export interface TicketSearch {
  readonly period: Period;
  readonly procedureId?: string;
  readonly requester?: string;
  readonly words?: string;
  readonly ticket?: string;
  readonly status?: string;
}

/** One step of the diagram heatmap. */
export interface HeatmapStep {
  readonly activityId: string;
  /** Stays at the step that began in the period. */
  readonly passed: number;
  /** Median and 90th percentile of the finished stays, in ms. */
  readonly medianMs?: number;
  readonly p90Ms?: number;
  /** Open tickets at the step now. */
  readonly waitingNow: number;
}

/** Most open tickets read for "waiting now". */
const MAX_OPEN = 100_000;
/** Months after a period read for the end of stays begun in it (heatmap). */
const FOLLOWING_MONTHS = 3;
/** How long a finished month's facts are reused (the page, its CSV and drill-downs read them in turn). */
const MONTH_CACHE_MS = 60_000;

/**
 * Supervisor reports from the reporting read model (docs/adr/0027): a period's figures grouped by
 * a dimension, agent or group; the tickets behind each figure; the diagram heatmap. A period reads
 * its months' buckets by `_id` only, however many tickets the history holds.
 */
export class ReportsService {
  private readonly cache = new Map<string, { at: number; facts: TicketFacts[] }>();

  constructor(private readonly deps: ReportsServiceDeps) {}

  /** The zone periods are counted in. */
  get timeZone(): string {
    return this.deps.timeZone;
  }

  /** Procedures with their declared dimensions, by name. */
  async procedures(): Promise<ReportProcedure[]> {
    const versions = await this.deps.definitions.list();
    return versions
      .map(({ catalog }) => ({
        id: catalog.procedureId,
        name: catalog.name,
        dimensions: catalog.reportDimensions ?? [],
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The figures of a period. */
  async report(actor: Actor, request: ReportRequest): Promise<ReportFigures> {
    requireRole(actor, 'supervisor');
    return computeReport(await this.factsOf(request.period), queryOf(request));
  }

  /** The tickets behind one figure (at most `limit`), most recently opened first. */
  async tickets(
    actor: Actor,
    request: ReportRequest,
    metric: Metric,
    group: string | undefined,
    limit: number,
  ): Promise<TicketFacts[]> {
    requireRole(actor, 'supervisor');
    const query = queryOf(request);
    const facts = await this.factsOf(request.period);
    return facts
      .filter(
        (ticket) =>
          (!query.procedureId || ticket.procedureId === query.procedureId) &&
          countsFor(ticket, metric, query) &&
          (group === undefined || groupKeys(ticket, request.groupBy).includes(group)),
      )
      .sort((a, b) => b.openedAt - a.openedAt)
      .slice(0, limit);
  }

  /**
   * The live backlog (open-work model, ADR 0017): tickets open now, whenever they were opened, of
   * the procedure or of all of them. Only meaningful for the current period (its end is not past):
   * undefined for a period that has ended, whose backlog at its end is not kept.
   */
  async openNow(
    actor: Actor,
    request: Pick<ReportRequest, 'period' | 'procedureId'>,
  ): Promise<number | undefined> {
    requireRole(actor, 'supervisor');
    const now = this.deps.clock.now().getTime();
    if (request.period.to.getTime() <= now || request.period.from.getTime() > now) return undefined;
    const filter = request.procedureId ? { procedureId: request.procedureId } : {};
    const [running, incident] = await Promise.all([
      this.deps.store.listInstances({ status: 'running', ...filter, limit: MAX_OPEN }),
      this.deps.store.listInstances({ status: 'incident', ...filter, limit: MAX_OPEN }),
    ]);
    return running.length + incident.length;
  }

  /** Per step of the procedure: stays begun in the period, their median time, tickets there now. */
  async heatmap(actor: Actor, period: Period, procedureId: string): Promise<HeatmapStep[]> {
    requireRole(actor, 'supervisor');
    const from = period.from.getTime();
    const to = period.to.getTime();
    const stays = new Map<string, { passed: number; times: number[] }>();
    const tickets = new Map<string, TicketVisits>();
    const keep = (entry: TicketVisits) => {
      const known = tickets.get(entry.id);
      if (!known || known.seq < entry.seq) tickets.set(entry.id, entry);
    };
    const months = monthsOfPeriod(period, this.deps.timeZone);
    for (const month of months) for (const entry of await this.deps.facts.visits(month)) keep(entry);
    // Stays begun in the period but left in a later month are finished only in that month's
    // buckets: read the following months (at most FOLLOWING_MONTHS, never past now) while any is open.
    const current = bucketMonth(this.deps.clock.now().getTime(), this.deps.timeZone);
    const beganOpen = (ticket: TicketVisits) =>
      ticket.procedureId === procedureId &&
      ticket.visits.some((visit) => visit.out === undefined && visit.in >= from && visit.in < to);
    let month = months.at(-1) ?? current;
    for (let more = 0; more < FOLLOWING_MONTHS; more++) {
      const open = new Set([...tickets.values()].filter(beganOpen).map((ticket) => ticket.id));
      month = nextBucketMonth(month);
      if (open.size === 0 || month > current) break;
      for (const entry of await this.deps.facts.visits(month)) if (open.has(entry.id)) keep(entry);
    }
    for (const ticket of tickets.values()) {
      if (ticket.procedureId !== procedureId) continue;
      for (const visit of ticket.visits) {
        if (visit.in < from || visit.in >= to) continue;
        const entry = stays.get(visit.a) ?? { passed: 0, times: [] };
        entry.passed++;
        if (visit.out !== undefined) entry.times.push(visit.out - visit.in);
        stays.set(visit.a, entry);
      }
    }
    const waiting = await this.waitingNow(procedureId);
    const ids = new Set([...stays.keys(), ...waiting.keys()]);
    return [...ids].sort().map((activityId) => {
      const entry = stays.get(activityId);
      const median = entry ? percentile(entry.times, 50) : undefined;
      const p90 = entry ? percentile(entry.times, 90) : undefined;
      return {
        activityId,
        passed: entry?.passed ?? 0,
        ...(median !== undefined ? { medianMs: median } : {}),
        ...(p90 !== undefined ? { p90Ms: p90 } : {}),
        waitingNow: waiting.get(activityId) ?? 0,
      };
    });
  }

  /**
   * Supervisor search (at most `limit`, most recently opened first): tickets opened or closed in the
   * period whose number contains `ticket`, requester (email or any text) contains `requester`, and
   * whose variables or conversation hold every word of `words` (at most 8 words).
   */
  async search(actor: Actor, query: TicketSearch, limit: number): Promise<TicketFacts[]> {
    requireRole(actor, 'supervisor');
    const scope = {
      from: query.period.from.getTime(),
      to: query.period.to.getTime(),
      groupBy: 'none' as const,
    };
    const words = (query.words ?? '').toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8);
    const requester = query.requester?.trim().toLowerCase();
    const ticketKey = query.ticket?.trim().toLowerCase();
    const details = new Map<string, TicketVisits>();
    if (words.length || requester) {
      for (const month of monthsOfPeriod(query.period, this.deps.timeZone))
        for (const entry of await this.deps.facts.visits(month)) {
          const known = details.get(entry.id);
          if (!known || known.seq < entry.seq) details.set(entry.id, entry);
        }
    }
    const found = (await this.factsOf(query.period)).filter((ticket) => {
      if (query.procedureId && ticket.procedureId !== query.procedureId) return false;
      if (!inScope(ticket, scope)) return false;
      if (query.status && ticket.status !== query.status) return false;
      if (ticketKey && !ticket.businessKey.toLowerCase().includes(ticketKey)) return false;
      const detail = details.get(ticket.id);
      const text = `${detail?.text ?? ''} ${detail?.talk ?? ''}`;
      if (
        requester &&
        !(ticket.requester ?? '').includes(requester) &&
        !(detail?.text ?? '').includes(requester)
      )
        return false;
      return words.every((word) => text.includes(word) || ticket.businessKey.toLowerCase().includes(word));
    });
    return found.sort((a, b) => b.openedAt - a.openedAt).slice(0, limit);
  }

  /** Facts of every ticket in the period's month buckets (deduplicated across months). */
  async factsOf(period: Period): Promise<TicketFacts[]> {
    const merged = new Map<string, TicketFacts>();
    for (const month of monthsOfPeriod(period, this.deps.timeZone)) {
      for (const facts of await this.month(month)) {
        if (isDryRun(facts.procedureId)) continue;
        const known = merged.get(facts.id);
        if (!known || known.seq < facts.seq) merged.set(facts.id, facts);
      }
    }
    return [...merged.values()];
  }

  private async month(month: string): Promise<TicketFacts[]> {
    const now = this.deps.clock.now().getTime();
    const current = bucketMonth(now, this.deps.timeZone) <= month;
    const cached = this.cache.get(month);
    if (!current && cached && now - cached.at < MONTH_CACHE_MS) return cached.facts;
    const facts = await this.deps.facts.month(month);
    if (!current) this.cache.set(month, { at: now, facts });
    return facts;
  }

  private async waitingNow(procedureId: string): Promise<Map<string, number>> {
    const open = await this.deps.store.listInstances({ status: 'running', procedureId, limit: MAX_OPEN });
    const counts = new Map<string, number>();
    for (const head of open) {
      if (!isOpenStatus(head.status)) continue;
      for (const activity of new Set(head.activeActivities))
        counts.set(activity, (counts.get(activity) ?? 0) + 1);
    }
    return counts;
  }
}

function queryOf(request: ReportRequest): ReportQuery {
  return {
    from: request.period.from.getTime(),
    to: request.period.to.getTime(),
    groupBy: request.groupBy,
    ...(request.procedureId ? { procedureId: request.procedureId } : {}),
  };
}
