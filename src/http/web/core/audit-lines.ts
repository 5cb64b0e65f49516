import type { InstanceEvent } from '../../../domain/instance.js';
import type { FieldLabels } from './field-labels.js';

/** Audit event types with a readable label (`common.events.<type with _>`). */
const KNOWN_EVENTS: ReadonlySet<string> = new Set([
  'instance.started',
  'instance.cancelled',
  'instance.incident',
  'instance.retried',
  'task.claimed',
  'task.unclaimed',
  'task.assigned',
  'task.completed',
  'timer.fired',
  'escalation.acknowledged',
  'sla.warning',
  'sla.breach',
]);

/** Most changed fields listed per event (the JSON keeps everything). */
const MAX_CHANGES = 50;
const MAX_JSON = 20_000;

/** One value an event set: a form field (its label from the forms) or a fixed one (`labelKey`). */
export interface AuditChange {
  readonly key: string;
  /** The form's label, or absent: then `labelKey` (fixed fields) or `key` is shown. */
  readonly label?: string;
  readonly labelKey?: string;
  readonly value: string;
}

/** One audit event as people read it: what happened, to which step, which values it set, and its raw JSON. */
export interface AuditLine {
  readonly seq: number;
  readonly at: Date;
  readonly actor: string;
  readonly type: string;
  /** i18n key of the event type; absent for unknown types (then `type` is shown). */
  readonly labelKey?: string;
  /** The task, timer or SLA clock the event is about, by name. */
  readonly subject?: string;
  readonly changes: readonly AuditChange[];
  /** The event data as indented JSON (folded on the page), cut at 20,000 characters. */
  readonly json: string;
}

/** How to name what events refer to. */
export interface AuditNames {
  readonly fields: FieldLabels;
  /** Name of a task by task id (tasks of the instance). */
  taskName(taskId: string): string | undefined;
  /** Name of an activity of the version by id (its id when unnamed). */
  activityName(activityId: string): string;
}

/** The readable lines of an instance's audit trail. */
export function auditLines(events: readonly InstanceEvent[], names: AuditNames): AuditLine[] {
  return events.map((event) => auditLine(event, names));
}

function auditLine(event: InstanceEvent, names: AuditNames): AuditLine {
  const data = event.data ?? {};
  const json = JSON.stringify(data, null, 2) ?? '';
  const subject = subjectOf(data, names);
  return {
    seq: event.seq,
    at: event.at,
    actor: event.actor,
    type: event.type,
    ...(KNOWN_EVENTS.has(event.type) ? { labelKey: `common.events.${event.type.replace('.', '_')}` } : {}),
    ...(subject ? { subject } : {}),
    changes: changesOf(event.type, data, names.fields).slice(0, MAX_CHANGES),
    json: json.length > MAX_JSON ? `${json.slice(0, MAX_JSON - 1)}…` : json,
  };
}

function subjectOf(data: Record<string, unknown>, names: AuditNames): string | undefined {
  if (typeof data.taskId === 'string') {
    const name = names.taskName(data.taskId);
    if (name) return name;
  }
  if (typeof data.activityId === 'string' && data.activityId) return names.activityName(data.activityId);
  if (typeof data.name === 'string' && data.name) return data.name; // SLA clock
  return undefined;
}

function changesOf(type: string, data: Record<string, unknown>, fields: FieldLabels): AuditChange[] {
  switch (type) {
    case 'instance.started':
      return formChanges(data.variables, fields);
    case 'task.completed':
    case 'escalation.acknowledged':
      return formChanges(data.data, fields);
    case 'task.claimed':
    case 'task.unclaimed':
    case 'task.assigned':
      return [fixed('assignee', typeof data.assignee === 'string' ? data.assignee : '—')];
    case 'instance.cancelled':
    case 'instance.incident':
      return typeof data.reason === 'string' ? [fixed('reason', data.reason)] : [];
    default:
      return [];
  }
}

function formChanges(values: unknown, fields: FieldLabels): AuditChange[] {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return [];
  return Object.entries(values as Record<string, unknown>).map(([key, value]) => {
    const label = fields.label(key);
    return { key, ...(label ? { label } : {}), value: fields.value(key, value) };
  });
}

function fixed(key: string, value: string): AuditChange {
  return { key, labelKey: `common.events.fields.${key}`, value };
}
