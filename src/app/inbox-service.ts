import type { Clock } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import type { FormSchema } from '../domain/forms/index.js';
import type { InstanceRecord, TaskRecord } from '../domain/instance.js';
import type { DefinitionsService } from './definitions-service.js';
import type { InstanceStore, TaskRepository } from './ports.js';
import { taskDue, type DueInstant, type DueSources } from '../domain/due.js';
import type { ProcedureCatalog } from '../domain/procedure.js';
import { priorityOf } from '../domain/priority.js';

/** A form as written in `forms/<formKey>.form`: the checked schema and the raw JSON (texts, descriptions). */
export interface FormSource {
  readonly schema: FormSchema;
  readonly json: unknown;
}

/** Reads forms for rendering; null when there is no such form. */
export interface FormSources {
  /** `version`: a pinned form version (docs/adr/0028); the latest when absent. */
  load(formKey: string, version?: number): Promise<FormSource | null>;
}

/** Collaborators of the agents' inbox. */
export interface InboxServiceDeps {
  readonly store: InstanceStore;
  readonly tasks: TaskRepository;
  readonly definitions: DefinitionsService;
  readonly clock: Clock;
  /** Forms to render on task and start pages (absent: those pages answer FORM_NOT_FOUND). */
  readonly forms?: FormSources;
}

/** One inbox row: a visible task joined with its ticket. */
export interface InboxEntry {
  readonly task: TaskRecord;
  readonly procedureName: string;
  readonly ticketNumber: string;
  readonly requester?: string;
  readonly priority?: string;
  /** The label the procedure declares for `priority` (e.g. "Guasto bloccante"). */
  readonly priorityLabel?: string;
  /** 0 = most urgent (the procedure's first declared value); unknown priorities sort last. */
  readonly priorityRank: number;
  readonly due?: Due;
  readonly overdue: boolean;
  /** The task's candidate groups by lane name (the id when the procedure names no such lane). */
  readonly groupNames: readonly string[];
}

/** The agents' inbox: visible tasks joined with their tickets (requester, priority, time left). */
export class InboxService {
  constructor(private readonly deps: InboxServiceDeps) {}

  /**
   * Joins tasks the caller may already see (from `TaskService.list`) with their
   * instance heads, each head and procedure read once per call.
   */
  async entries(tasks: readonly TaskRecord[]): Promise<InboxEntry[]> {
    const heads = new Map<string, Promise<InstanceRecord | null>>();
    const catalogs = new Map<string, Promise<ProcedureCatalog | undefined>>();
    const now = this.deps.clock.now();
    return Promise.all(
      tasks.map(async (task) => {
        // Open tickets come from the in-process open-work model: no database read per row.
        const head = await cached(heads, task.instanceId, () => this.deps.store.loadSummary(task.instanceId));
        const definitionId = head?.definitionId;
        const catalog = definitionId
          ? await cached(catalogs, definitionId, () => this.catalog(definitionId))
          : undefined;
        return entryOf(task, head, catalog, now);
      }),
    );
  }

  /**
   * The form to render for a task or start event; FORM_NOT_FOUND when it is missing. `pins`:
   * the procedure version's form versions (docs/adr/0028); the latest for a key it lacks.
   */
  async form(formKey: string, pins?: Readonly<Record<string, number>>): Promise<FormSource> {
    const form = await this.deps.forms?.load(formKey, pins?.[formKey]);
    if (!form) throw new AppError('FORM_NOT_FOUND', `form <${formKey}> not found`);
    return form;
  }

  private async catalog(definitionId: string): Promise<ProcedureCatalog | undefined> {
    try {
      return (await this.deps.definitions.byId(definitionId)).catalog;
    } catch {
      return undefined;
    }
  }
}

function entryOf(
  task: TaskRecord,
  head: InstanceRecord | null,
  catalog: ProcedureCatalog | undefined,
  now: Date,
): InboxEntry {
  const variables = head?.variables ?? {};
  const { priority, label, rank } = priorityOf(variables, catalog?.priority);
  const due = dueOf(task, head ?? undefined, catalog);
  return {
    task,
    procedureName: catalog?.name || task.procedureId,
    ticketNumber: head?.businessKey ?? task.businessKey,
    requester: requesterOf(variables),
    priority,
    ...(label !== undefined ? { priorityLabel: label } : {}),
    priorityRank: rank,
    due,
    overdue: due !== undefined && due.at.getTime() < now.getTime(),
    groupNames: task.candidateGroups.map((id) => laneName(catalog, id)),
  };
}

/** A lane's name in the catalog, else its id. */
export function laneName(catalog: ProcedureCatalog | undefined, laneId: string): string {
  return catalog?.lanes.find((lane) => lane.id === laneId)?.name || laneId;
}

function cached<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let value = cache.get(key);
  if (!value) {
    value = load();
    cache.set(key, value);
  }
  return value;
}

/** Instance variables holding the requester's name, first found wins (start forms in `forms/`). */
export const REQUESTER_KEYS = ['requesterName', 'nombreSolicitante', 'nombre', 'richiedente', 'nome', 'name'];
/** Other requester details shown on the task page, when present. */
export const REQUESTER_DETAIL_KEYS = [
  'requesterName',
  'requesterId',
  'requesterEmail',
  'requesterPhone',
  'phone',
  'employeeNumber',
  'medicalUnit',
  'involvedService',
  'channel',
];

/** When a task is due (`domain/due.ts`), with the name of what it is: the timer event's or the SLA clock's. */
export interface Due extends DueInstant {
  readonly name: string;
}

/** The requester's name from the instance variables, if any. */
export function requesterOf(variables: Readonly<Record<string, unknown>>): string | undefined {
  return firstText(variables, REQUESTER_KEYS);
}

/** The task's due instant (its timers, its recorded deadline, the running SLA clocks), named from the catalog. */
export function dueOf(
  task: TaskRecord,
  head: DueSources | undefined,
  catalog?: ProcedureCatalog,
): Due | undefined {
  const due = taskDue(task, head ?? { timers: [] });
  if (!due) return undefined;
  // A task timer that already fired is named after its task (its deadline stays on the task).
  const name =
    due.kind === 'sla'
      ? due.source
      : catalog?.timers[due.source]?.name ||
        due.source ||
        catalog?.userTasks[task.activityId]?.name ||
        task.name;
  return { ...due, name };
}

function firstText(
  variables: Readonly<Record<string, unknown>>,
  keys: readonly string[],
): string | undefined {
  for (const key of keys) {
    const value = Object.hasOwn(variables, key) ? variables[key] : undefined;
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number') return String(value);
  }
  return undefined;
}
