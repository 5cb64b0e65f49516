import type { Clock } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import type { FormSchema } from '../domain/forms/index.js';
import type { InstanceRecord, TaskRecord } from '../domain/instance.js';
import type { DefinitionsService } from './definitions-service.js';
import type { InstanceStore, TaskRepository } from './ports.js';
import type { SlaClock } from '../domain/sla.js';

/** A form as written in `forms/<formKey>.form`: the checked schema and the raw JSON (texts, descriptions). */
export interface FormSource {
  readonly schema: FormSchema;
  readonly json: unknown;
}

/** Reads forms for rendering; null when there is no such form. */
export interface FormSources {
  load(formKey: string): Promise<FormSource | null>;
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
  /** 0 = most urgent; unknown priorities sort last. */
  readonly priorityRank: number;
  readonly due?: Due;
  readonly overdue: boolean;
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
    const names = new Map<string, Promise<string>>();
    const now = this.deps.clock.now();
    return Promise.all(
      tasks.map(async (task) => {
        const head = await cached(heads, task.instanceId, () => this.deps.store.loadHead(task.instanceId));
        const definitionId = head?.definitionId;
        const procedureName = definitionId
          ? await cached(names, definitionId, () => this.procedureName(definitionId, task.procedureId))
          : task.procedureId;
        return entryOf(task, head, procedureName, now);
      }),
    );
  }

  /** The form to render for a task or start event; FORM_NOT_FOUND when it is missing. */
  async form(formKey: string): Promise<FormSource> {
    const form = await this.deps.forms?.load(formKey);
    if (!form) throw new AppError('FORM_NOT_FOUND', `form <${formKey}> not found`);
    return form;
  }

  private async procedureName(definitionId: string, fallback: string): Promise<string> {
    try {
      return (await this.deps.definitions.byId(definitionId)).catalog.name || fallback;
    } catch {
      return fallback;
    }
  }
}

function entryOf(
  task: TaskRecord,
  head: InstanceRecord | null,
  procedureName: string,
  now: Date,
): InboxEntry {
  const variables = head?.variables ?? {};
  const { priority, rank } = priorityOf(variables);
  const due = dueOf(task, head?.sla);
  return {
    task,
    procedureName,
    ticketNumber: head?.businessKey ?? task.businessKey,
    requester: requesterOf(variables),
    priority,
    priorityRank: rank,
    due,
    overdue: due !== undefined && due.at.getTime() < now.getTime(),
  };
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
/** Instance variables holding the ticket's priority or severity, first found wins. */
export const PRIORITY_KEYS = [
  'priority',
  'severity',
  'prioridad',
  'severidad',
  'priorita',
  'gravita',
  'urgency',
];
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

const RANKS: Readonly<Record<string, number>> = {
  critical: 0,
  critica: 0,
  crítica: 0,
  critico: 0,
  blocking: 0,
  urgent: 0,
  urgente: 0,
  high: 1,
  alta: 1,
  alto: 1,
  medium: 2,
  media: 2,
  medio: 2,
  normal: 2,
  'non-blocking': 2,
  low: 3,
  baja: 3,
  bajo: 3,
  bassa: 3,
};
const UNKNOWN_RANK = 4;

/** When a task is due: the earlier of its own deadline and the earliest running SLA clock's. */
export interface Due {
  readonly at: Date;
  /** `task` for the task's deadline, else the SLA clock's name. */
  readonly source: 'task' | 'sla';
  readonly clockName?: string;
}

/** The requester's name from the instance variables, if any. */
export function requesterOf(variables: Readonly<Record<string, unknown>>): string | undefined {
  return firstText(variables, REQUESTER_KEYS);
}

/** The ticket's priority (as stored) and its rank for sorting. */
export function priorityOf(variables: Readonly<Record<string, unknown>>): {
  priority?: string;
  rank: number;
} {
  const priority = firstText(variables, PRIORITY_KEYS);
  return {
    priority,
    rank: priority === undefined ? UNKNOWN_RANK : (RANKS[priority.toLowerCase()] ?? UNKNOWN_RANK),
  };
}

/** The earliest of the task's deadline and the running SLA clocks' due dates. */
export function dueOf(task: TaskRecord, clocks: readonly SlaClock[] | undefined): Due | undefined {
  const candidates: Due[] = task.dueAt ? [{ at: new Date(task.dueAt), source: 'task' }] : [];
  for (const clock of clocks ?? []) {
    if (clock.status === 'running' && clock.dueAt)
      candidates.push({ at: new Date(clock.dueAt), source: 'sla', clockName: clock.name });
  }
  return candidates.sort((a, b) => a.at.getTime() - b.at.getTime())[0];
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
