/**
 * Tasks scheduled for later (docs/adr/0030, 2026-11-29): a task whose follow-up instant
 * (`camunda:followUpDate`, stored as `followUpAt`, ADR 0031) is still in the future is not yet
 * the desk's work, e.g. the Tuscan take-over of a request received while the desk was closed,
 * which follows up at the reopening. Lists hide such tasks unless asked for them.
 */
import type { TaskRecord } from '../domain/instance.js';

/** `due`: tasks to work on now (default); `later`: only those scheduled for later; `all`: both. */
export const FOLLOW_UP_VIEWS = ['due', 'later', 'all'] as const;
/**
 * Which tasks a list shows by their follow-up instant: `due` (default) hides tasks scheduled for
 * later, `later` shows only those, `all` shows both. Read from `followUp=` by {@link followUpViewOf}.
 */
export type FollowUpView = (typeof FOLLOW_UP_VIEWS)[number];

/** True when the task is open and its follow-up instant is after `now`. */
export function isScheduledLater(task: Pick<TaskRecord, 'status' | 'followUpAt'>, now: Date): boolean {
  if (task.status !== 'open' || task.followUpAt === undefined) return false;
  const at = new Date(task.followUpAt).getTime();
  return Number.isFinite(at) && at > now.getTime();
}

/** True when a follow-up view keeps the task (`all` keeps every one). */
export function keptByFollowUp(
  task: Pick<TaskRecord, 'status' | 'followUpAt'>,
  view: FollowUpView,
  now: Date,
): boolean {
  return view === 'all' || isScheduledLater(task, now) === (view === 'later');
}

/** The view named by a query value (`followUp=later|all`); anything else is `due`. */
export function followUpViewOf(value: unknown): FollowUpView {
  return FOLLOW_UP_VIEWS.find((view) => view === value) ?? 'due';
}
