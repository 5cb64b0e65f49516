import type { InstanceView } from '../../../app/instance-service.js';
import { REQUESTER_DETAIL_KEYS } from '../../../app/inbox-service.js';
import { priorityOf, type PriorityScale } from '../../../domain/priority.js';
import type { TaskRecord } from '../../../domain/instance.js';
import { auditLines, type AuditLine, type AuditNames } from '../core/audit-lines.js';
import { NO_LABELS, type FieldLabels } from '../core/field-labels.js';

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

/** One line of the ticket history (readable event label, step, values set, raw JSON folded). */
export type HistoryLine = AuditLine;

/** The ticket around a task: requester, priority, history and earlier task data. */
export interface TicketContext {
  readonly requester: readonly Detail[];
  readonly priority?: string;
  readonly history: readonly HistoryLine[];
  readonly earlier: readonly EarlierTask[];
}

/** How the task page names steps and form values (defaults: ids and values as stored). */
export interface ContextNames {
  readonly fields?: FieldLabels;
  readonly activityName?: AuditNames['activityName'];
}

/**
 * What the task page shows about the ticket, from the instance view: stored values with the
 * forms' labels (a radio's `phone` as "Llamado telefónico"), events with readable labels.
 */
export function ticketContext(
  view: InstanceView,
  priorityScale?: PriorityScale,
  names: ContextNames = {},
): TicketContext {
  const variables = view.instance.variables;
  const taskNames = new Map(view.tasks.map((task) => [task.id, task.name]));
  const fields = names.fields ?? NO_LABELS;
  return {
    requester: REQUESTER_DETAIL_KEYS.flatMap((name) => {
      const value = variables[name];
      return typeof value === 'string' || typeof value === 'number'
        ? [{ name, value: fields.value(name, value) }]
        : [];
    }),
    priority: priorityOf(variables, priorityScale).label,
    history: auditLines(view.events, {
      fields,
      taskName: (id) => taskNames.get(id),
      activityName: names.activityName ?? ((id) => id),
    }),
    earlier: view.tasks
      .filter((task) => task.status === 'completed')
      .sort((a, b) => time(a.completedAt) - time(b.completedAt))
      .map((task) => earlierTask(task, fields)),
  };
}

function earlierTask(task: TaskRecord, fields: FieldLabels): EarlierTask {
  return {
    name: task.name,
    completedBy: task.completedBy,
    completedAt: task.completedAt,
    data: Object.entries(task.data ?? {}).map(([key, value]) => ({
      name: fields.label(key) ?? key,
      value: fields.value(key, value),
    })),
  };
}

function time(date: Date | undefined): number {
  return date ? new Date(date).getTime() : 0;
}
