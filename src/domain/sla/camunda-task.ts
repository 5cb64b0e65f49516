import { resolveTemplate } from '../expression/index.js';
import { durationMs } from './duration.js';

/** Latest instant a task date may take (year 9999), so a typo never schedules nonsense. */
const LATEST = Date.UTC(9999, 11, 31);

/**
 * The instant a Camunda task date (`camunda:dueDate`, `camunda:followUpDate`) stands for
 * (ADR 0031): an ISO 8601 date-time, or `${ }` of the safe expression language giving a date
 * (text, a Date or epoch milliseconds), evaluated over the instance variables when the task
 * opens. As an extension, an ISO duration of days to seconds (`P2D`, `PT4H`) counts from `now`.
 * Anything else, or an expression that fails, gives no date (the task simply has none).
 */
export function taskDate(
  value: string | undefined,
  variables: Readonly<Record<string, unknown>>,
  now: Date,
): Date | undefined {
  if (value === undefined || !value.trim()) return undefined;
  let resolved: unknown = value.trim();
  if (value.includes('${')) {
    try {
      resolved = resolveTemplate(value, { ...variables });
    } catch {
      return undefined;
    }
  }
  if (resolved instanceof Date) return valid(resolved.getTime());
  if (typeof resolved === 'number') return valid(resolved);
  if (typeof resolved !== 'string' || !resolved.trim()) return undefined;
  const text = resolved.trim();
  const duration = durationMs(text);
  if (duration !== undefined) return valid(now.getTime() + duration);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  return valid(Date.parse(text));
}

function valid(ms: number): Date | undefined {
  return Number.isFinite(ms) && ms >= 0 && ms <= LATEST ? new Date(ms) : undefined;
}

/**
 * `camunda:candidateUsers` are kept among a task's candidate groups as `user:<id>` (ADR 0031),
 * so every list and check that offers tasks by group offers them to those users too.
 */
export function userCandidate(userId: string): string {
  return `user:${userId}`;
}

/** The candidate "groups" an actor takes tasks from: their groups and their own user entry. */
export function candidateGroupsOf(actor: {
  readonly id: string;
  readonly groups: readonly string[];
}): string[] {
  return [...actor.groups, userCandidate(actor.id)];
}

/**
 * `camunda:assignee` as written, or with `${ }` evaluated over the instance variables when the
 * task opens (e.g. `${ requestedBy }`); blank or failing: no assignee.
 */
export function taskAssignee(
  value: string | undefined,
  variables: Readonly<Record<string, unknown>>,
): string | undefined {
  if (value === undefined || !value.includes('${')) return value?.trim() || undefined;
  try {
    const resolved = resolveTemplate(value, { ...variables });
    return typeof resolved === 'string' && resolved.trim() ? resolved.trim().slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}
