import type { InstanceView } from '../../../app/instance-service.js';
import { REQUESTER_DETAIL_KEYS, priorityOf } from '../../../app/inbox-service.js';
import type { TaskRecord } from '../../../domain/instance.js';

/** Audit event types with a UI string (`agent.event.<type with _>`). */
const KNOWN_EVENTS: ReadonlySet<string> = new Set([
  'instance.started',
  'instance.cancelled',
  'task.claimed',
  'task.unclaimed',
  'task.assigned',
  'task.completed',
  'timer.fired',
  'escalation.acknowledged',
  'sla.warning',
  'sla.breach',
]);

/** One line of the ticket history. */
export interface HistoryLine {
  readonly at: Date;
  readonly actor: string;
  /** i18n key of the event type, or absent: then `type` is shown as is. */
  readonly key?: string;
  readonly type: string;
  readonly taskName?: string;
  readonly assignee?: string;
}

/** A label and a value, shown as text. */
export interface Detail {
  readonly name: string;
  readonly value: string;
}

/** Data of a task completed earlier on the ticket. */
export interface EarlierTask {
  readonly name: string;
  readonly completedBy?: string;
  readonly completedAt?: Date;
  readonly data: readonly Detail[];
}

/** The ticket around a task: requester, priority, history and earlier task data. */
export interface TicketContext {
  readonly requester: readonly Detail[];
  readonly priority?: string;
  readonly history: readonly HistoryLine[];
  readonly earlier: readonly EarlierTask[];
}

/** What the task page shows about the ticket, from the instance view. */
export function ticketContext(view: InstanceView): TicketContext {
  const variables = view.instance.variables;
  const names = new Map(view.tasks.map((task) => [task.id, task.name]));
  return {
    requester: REQUESTER_DETAIL_KEYS.flatMap((name) => {
      const value = variables[name];
      return typeof value === 'string' || typeof value === 'number' ? [{ name, value: String(value) }] : [];
    }),
    priority: priorityOf(variables).priority,
    history: view.events.map((event) => {
      const taskId = typeof event.data.taskId === 'string' ? event.data.taskId : undefined;
      const assignee = typeof event.data.assignee === 'string' ? event.data.assignee : undefined;
      return {
        at: event.at,
        actor: event.actor,
        type: event.type,
        ...(KNOWN_EVENTS.has(event.type) ? { key: `agent.event.${event.type.replace('.', '_')}` } : {}),
        ...(taskId && names.has(taskId) ? { taskName: names.get(taskId) } : {}),
        ...(assignee ? { assignee } : {}),
      };
    }),
    earlier: view.tasks
      .filter((task) => task.status === 'completed')
      .sort((a, b) => time(a.completedAt) - time(b.completedAt))
      .map(earlierTask),
  };
}

function earlierTask(task: TaskRecord): EarlierTask {
  return {
    name: task.name,
    completedBy: task.completedBy,
    completedAt: task.completedAt,
    data: Object.entries(task.data ?? {}).map(([name, value]) => ({ name, value: display(value) })),
  };
}

function display(value: unknown): string {
  if (Array.isArray(value)) return value.map(display).join(', ');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

function time(date: Date | undefined): number {
  return date ? new Date(date).getTime() : 0;
}
