import type { FieldLabels } from './field-labels.js';

/** One value an event set: a form field (its label from the forms) or a fixed one (`labelKey`). */
export interface AuditChange {
  readonly key: string;
  /** The form's label, or absent: then `labelKey` (fixed fields) or `key` is shown. */
  readonly label?: string;
  readonly labelKey?: string;
  readonly value: string;
  /** i18n key of a value from a fixed set (e.g. `via: email`); shown instead of `value`. */
  readonly valueKey?: string;
}

/** How the changes name activities and form fields. */
export interface ChangeNames {
  readonly fields: FieldLabels;
  activityName(activityId: string): string;
}

/** Characters of a conversation body or survey comment shown in the audit (the JSON keeps all). */
export const EXCERPT_CHARS = 160;
/** Most items (attachments, moves, levels) listed in one change. */
const MAX_ITEMS = 20;

type Data = Record<string, unknown>;
type ChangesOf = (data: Data, names: ChangeNames) => AuditChange[];

const conversation: ChangesOf = (data) => [
  ...text('body', excerpt(data.body)),
  ...text('attachments', attachmentList(data.attachments, 'public')),
  ...text('internalAttachments', attachmentList(data.attachments, 'internal')),
  ...fixedValue('via', data.via, ['web', 'email', 'paper']),
];

const sla: ChangesOf = (data) => {
  const levels = list(data.levels)
    .map((level) => {
      const { level: n, group } = level as Data;
      return typeof group === 'string' ? `${typeof n === 'number' ? `${n}: ` : ''}${group}` : '';
    })
    .filter(Boolean);
  return text('levels', levels.join(', '));
};

/** The message or signal name is the line's subject. */
const message: ChangesOf = (data, names) => [
  ...text(
    'activities',
    list(data.activityIds)
      .filter((id): id is string => typeof id === 'string')
      .map((id) => names.activityName(id))
      .join(', '),
  ),
  ...formChanges(data.variables, names.fields),
];

/** What each known event type set or said, as readable changes. */
const CHANGES: Readonly<Record<string, ChangesOf>> = {
  'instance.started': (data, names) => formChanges(data.variables, names.fields),
  'task.completed': (data, names) => formChanges(data.data, names.fields),
  'escalation.acknowledged': (data, names) => formChanges(data.data, names.fields),
  'task.claimed': assignee,
  'task.unclaimed': assignee,
  'task.assigned': assignee,
  'instance.cancelled': reason,
  'instance.incident': reason,
  'conversation.reply': conversation,
  'conversation.note': conversation,
  'conversation.requester': conversation,
  'survey.answered': (data) => [
    ...text('rating', typeof data.rating === 'number' ? `${data.rating} / 5` : ''),
    ...text('comment', excerpt(data.comment)),
    ...fixedValue('via', data.via, ['link', 'paper']),
  ],
  'instance.migrated': (data, names) => [
    ...text('version', versionChange(data.from, data.to)),
    ...text(
      'moves',
      list(data.moves)
        .map((move) => {
          const { from, to } = move as Data;
          if (typeof from !== 'string' || typeof to !== 'string') return '';
          return from === to ? names.activityName(to) : `${from} → ${names.activityName(to)}`;
        })
        .filter(Boolean)
        .join(', '),
    ),
  ],
  'message.received': message,
  'signal.received': message,
  'sla.warning': sla,
  'sla.breach': sla,
  'call.completed': (data, names) => [
    ...text('calledTicket', typeof data.businessKey === 'string' ? data.businessKey : ''),
    ...formChanges(data.variables, names.fields),
  ],
  'call.failed': (data) => fixedValue('callStatus', data.status, ['failed', 'cancelled']),
};

/** The readable changes of an event (empty for types without a rule). */
export function changesOf(type: string, data: Data, names: ChangeNames): AuditChange[] {
  const rule = Object.hasOwn(CHANGES, type) ? CHANGES[type] : undefined;
  return rule ? rule(data, names) : [];
}

function assignee(data: Data): AuditChange[] {
  return [fixed('assignee', typeof data.assignee === 'string' ? data.assignee : '—')];
}

function reason(data: Data): AuditChange[] {
  return typeof data.reason === 'string' ? [fixed('reason', data.reason)] : [];
}

function formChanges(values: unknown, fields: FieldLabels): AuditChange[] {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return [];
  return Object.entries(values as Data).map(([key, value]) => {
    const label = fields.label(key);
    return { key, ...(label ? { label } : {}), value: fields.value(key, value) };
  });
}

/** `p@1` → `p@2` as `1 → 2` (ids shown whole when they are not versions of one procedure). */
function versionChange(from: unknown, to: unknown): string {
  if (typeof from !== 'string' || typeof to !== 'string') return '';
  const [fromId, fromVersion] = from.split('@');
  const [toId, toVersion] = to.split('@');
  return fromId === toId && fromVersion && toVersion ? `${fromVersion} → ${toVersion}` : `${from} → ${to}`;
}

/** The first EXCERPT_CHARS characters with whitespace folded, `…` when cut. */
export function excerpt(value: unknown): string {
  if (typeof value !== 'string') return '';
  const folded = value
    .slice(0, EXCERPT_CHARS * 4)
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...folded];
  return chars.length > EXCERPT_CHARS ? `${chars.slice(0, EXCERPT_CHARS - 1).join('')}…` : folded;
}

/** `name (size)` of each attachment of that visibility (anything not internal counts as public). */
function attachmentList(value: unknown, visibility: 'public' | 'internal'): string {
  return list(value)
    .map((item) => {
      const { name, size } = item as Data;
      const internal = (item as Data).visibility === 'internal';
      if (typeof name !== 'string' || internal !== (visibility === 'internal')) return '';
      const kb = typeof size === 'number' ? ` (${Math.max(1, Math.round(size / 1024))} KB)` : '';
      return `${name}${kb}`;
    })
    .filter(Boolean)
    .join(', ');
}

function list(value: unknown): unknown[] {
  return Array.isArray(value)
    ? value
        .slice(0, MAX_ITEMS)
        .filter((item) => (typeof item === 'object' && item !== null) || typeof item === 'string')
    : [];
}

function text(key: string, value: string): AuditChange[] {
  return value ? [fixed(key, value)] : [];
}

/** A value from a known set shown translated (`audit.values.<key>.<value>`), else as stored. */
function fixedValue(key: string, value: unknown, known: readonly string[]): AuditChange[] {
  if (typeof value !== 'string' || !value) return [];
  const change = fixed(key, value);
  return [known.includes(value) ? { ...change, valueKey: `audit.values.${key}.${value}` } : change];
}

function fixed(key: string, value: string): AuditChange {
  const labelKey =
    key === 'assignee' || key === 'reason' ? `common.events.fields.${key}` : `audit.fields.${key}`;
  return { key, labelKey, value };
}
