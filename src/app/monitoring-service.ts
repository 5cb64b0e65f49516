import type { Actor } from '../domain/actor.js';
import type { Clock } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import { isOpenStatus, type InstanceRecord, type InstanceStatus } from '../domain/instance.js';
import type { ProcedureCatalog } from '../domain/procedure.js';
import { requireRole } from './authorization.js';
import type { DefinitionsService } from './definitions-service.js';
import {
  PAGE_SIZE,
  parseInstanceSearch,
  toListFilter,
  type InstanceSearch,
  type InstanceSearchInput,
} from './instance-search.js';
import { ticketDue, type DueKind } from '../domain/due.js';
import {
  currentSteps,
  dashboardFigures,
  isOverdue,
  type DashboardFigures,
  type HeadSummary,
} from './monitoring-figures.js';
import type { InstanceStore, TaskRepository } from './ports.js';

/**
 * How many open tickets (and how many recently closed ones) the dashboard counts at most. Both
 * come from the open-work read model (docs/adr/0017): no query reads the closed history. Beyond
 * the bound the figures cover the newest tickets only, and the dashboard says so (`truncated`).
 */
export const DASHBOARD_SCAN_LIMIT = 5000;
/** The closed tickets the dashboard counts: those ended in the last 14 days (as `recent_closed` keeps them). */
const CLOSED_WINDOW_MS = 14 * 86_400_000;

/** Collaborators of the supervisors' views. */
export interface MonitoringServiceDeps {
  readonly store: InstanceStore;
  readonly tasks: TaskRepository;
  readonly definitions: DefinitionsService;
  readonly clock: Clock;
  /** IANA zone of "this week" and of the date filters (default UTC). */
  readonly timeZone?: string;
  /** Overrides `DASHBOARD_SCAN_LIMIT` (tests). */
  readonly scanLimit?: number;
}

/** One row of the instance list. */
export interface InstanceRow {
  readonly id: string;
  readonly businessKey: string;
  readonly procedureId: string;
  readonly procedureName: string;
  readonly definitionId: string;
  readonly status: InstanceStatus;
  readonly startedAt: Date;
  readonly startedBy: string;
  readonly endedAt?: Date;
  /** Names of the steps the instance waits in (catalog names; ids when unnamed). */
  readonly currentActivities: readonly string[];
  readonly nextDue?: Date;
  /** What `nextDue` is: a task's timer, an SLA clock's target or another timer (`domain/due.ts`). */
  readonly nextDueKind?: DueKind;
  /** The timer event's or SLA clock's name. */
  readonly nextDueName?: string;
  readonly overdue: boolean;
}

/** One page of search results. */
export interface InstancePage {
  readonly search: InstanceSearch;
  readonly rows: readonly InstanceRow[];
  readonly pageSize: number;
  readonly hasNext: boolean;
}

/** The dashboard figures and whether a scan hit its bound. */
export interface Dashboard extends DashboardFigures {
  readonly truncated: boolean;
  readonly scanLimit: number;
}

/** Supervisors' instance search and dashboard figures. */
export class MonitoringService {
  /** Catalogs by definition id: versions are immutable, so they never go stale. */
  private readonly catalogs = new Map<string, Promise<ProcedureCatalog | undefined>>();

  constructor(private readonly deps: MonitoringServiceDeps) {}

  /** The display time zone. */
  get timeZone(): string {
    return this.deps.timeZone ?? 'UTC';
  }

  /** Procedures to filter by: the current version of each, by name. */
  async procedures(actor: Actor): Promise<{ id: string; name: string }[]> {
    requireRole(actor, 'supervisor');
    const latest = await this.deps.definitions.list();
    return latest
      .map((version) => ({ id: version.procedureId, name: version.catalog.name || version.procedureId }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Validates the filters (VALIDATION_FAILED) and returns one page of matching instances, newest first. */
  async search(input: InstanceSearchInput, actor: Actor): Promise<InstancePage> {
    requireRole(actor, 'supervisor');
    const search = parseInstanceSearch(input, this.timeZone);
    const now = this.deps.clock.now();
    const heads = await this.deps.store.listInstances(toListFilter(search, this.timeZone, now));
    const rows = await Promise.all(heads.slice(0, PAGE_SIZE).map((head) => this.row(head, now)));
    return { search, rows, pageSize: PAGE_SIZE, hasNext: heads.length > PAGE_SIZE };
  }

  /** The BPMN XML of the version the instance runs on (not the procedure's current one). */
  async diagramXml(instanceId: string, actor: Actor): Promise<string> {
    requireRole(actor, 'supervisor');
    const head = await this.deps.store.loadHead(instanceId);
    if (!head) throw new AppError('INSTANCE_NOT_FOUND', `instance <${instanceId}> not found`);
    return (await this.deps.definitions.byId(head.definitionId)).xml;
  }

  /** Name of an activity in the version an instance runs on (its id when the catalog has no name). */
  async activityNames(definitionId: string): Promise<(activityId: string) => string> {
    const catalog = await this.catalog(definitionId);
    return (activityId) => (catalog ? nameIn(catalog, activityId) : activityId);
  }

  /** Open tickets by procedure and step, overdue, this week's flow and the median time to close. */
  async dashboard(actor: Actor): Promise<Dashboard> {
    requireRole(actor, 'supervisor');
    const limit = this.deps.scanLimit ?? DASHBOARD_SCAN_LIMIT;
    const now = this.deps.clock.now();
    const [running, closed] = await Promise.all([
      this.deps.store.listInstances({ status: 'running', limit }),
      this.deps.store.listClosedSince(new Date(now.getTime() - CLOSED_WINDOW_MS), limit),
    ]);
    const heads = new Map<string, HeadSummary>();
    for (const head of closed) heads.set(head.id, { ...head, timers: [], activeActivities: [] });
    for (const head of running) heads.set(head.id, head);
    const names = new Map((await this.deps.definitions.list()).map((v) => [v.procedureId, v.catalog.name]));
    const definitionIds = new Set([...heads.values()].map((head) => head.definitionId));
    const catalogs = new Map(
      await Promise.all([...definitionIds].map(async (id) => [id, await this.catalog(id)] as const)),
    );
    const figures = dashboardFigures([...heads.values()], {
      now,
      timeZone: this.timeZone,
      labels: {
        procedureName: (id) => names.get(id) || id,
        activityName: (definitionId, activityId) => {
          const catalog = catalogs.get(definitionId);
          return catalog ? nameIn(catalog, activityId) : activityId;
        },
        isStep: (definitionId, activityId) =>
          currentSteps([activityId], catalogs.get(definitionId)).length > 0,
      },
    });
    return { ...figures, truncated: running.length >= limit || closed.length >= limit, scanLimit: limit };
  }

  private async row(head: InstanceRecord, now: Date): Promise<InstanceRow> {
    const catalog = await this.catalog(head.definitionId);
    const due = ticketDue(head);
    return {
      id: head.id,
      businessKey: head.businessKey,
      procedureId: head.procedureId,
      procedureName: catalog?.name || head.procedureId,
      definitionId: head.definitionId,
      status: head.status,
      startedAt: head.startedAt,
      startedBy: head.startedBy,
      ...(head.endedAt ? { endedAt: head.endedAt } : {}),
      currentActivities: currentSteps(head.activeActivities, catalog).map((id) =>
        catalog ? nameIn(catalog, id) : id,
      ),
      ...(due
        ? {
            nextDue: due.at,
            nextDueKind: due.kind,
            nextDueName: due.kind === 'sla' ? due.source : catalog ? nameIn(catalog, due.source) : due.source,
          }
        : {}),
      overdue: isOpenStatus(head.status) && isOverdue(head, now),
    };
  }

  private catalog(definitionId: string): Promise<ProcedureCatalog | undefined> {
    let catalog = this.catalogs.get(definitionId);
    if (!catalog) {
      catalog = this.deps.definitions.byId(definitionId).then(
        (version) => version.catalog,
        () => {
          this.catalogs.delete(definitionId); // a failed read is retried next time
          return undefined;
        },
      );
      this.catalogs.set(definitionId, catalog);
    }
    return catalog;
  }
}

/** The name of a user task, send task or timer in the catalog, else the id. */
export function nameIn(catalog: ProcedureCatalog, activityId: string): string {
  const spec = catalog.userTasks[activityId] ?? catalog.sendTasks[activityId] ?? catalog.timers[activityId];
  return spec?.name || activityId;
}
