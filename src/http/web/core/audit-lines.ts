import type { InstanceEvent } from '../../../domain/instance.js';
import { changesOf, type AuditChange } from './audit-changes.js';
import type { FieldLabels } from './field-labels.js';

export type { AuditChange } from './audit-changes.js';

/** i18n key of each audit event type shown with a readable label (others show their type). */
const EVENT_LABELS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    [
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
    ].map((type) => [type, `common.events.${type.replace('.', '_')}`]),
  ),
  ...Object.fromEntries(
    [
      'conversation.reply',
      'conversation.note',
      'conversation.requester',
      'survey.answered',
      'requester.links-revoked',
      'requester.link-sent',
      'instance.migrated',
      'message.received',
      'signal.received',
      'call.completed',
      'call.failed',
    ].map((type) => [type, `audit.events.${type.replace(/[.-]/g, '_')}`]),
  ),
};

/** Most changed fields listed per event (the JSON keeps everything). */
const MAX_CHANGES = 50;
const MAX_JSON = 20_000;

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
    ...(Object.hasOwn(EVENT_LABELS, event.type) ? { labelKey: EVENT_LABELS[event.type] } : {}),
    ...(subject ? { subject } : {}),
    changes: changesOf(event.type, data, names).slice(0, MAX_CHANGES),
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
