/**
 * "When is this due": one rule for the agents' inbox (a task) and the supervisors' list (a ticket),
 * so both pages show the same instant for the same thing and say what it is.
 *
 * - `task-timer`: a BPMN timer attached to a task (boundary event, e.g. "4 horas sin resolver");
 * - `sla`: a running SLA clock's target (its warning threshold is a heads-up, not a due instant);
 * - `timer`: another BPMN timer the ticket waits on (intermediate catch, e.g. a weekly meeting);
 * - `due-date`: the task's `camunda:dueDate`, which replaces its own timers as its due (ADR 0031).
 *
 * SLA scheduler timers (`sla:` execution ids) are not due instants themselves: their clocks are.
 */
import type { PendingTimer } from './instance.js';
import type { SlaClock } from './sla.js';

/** What a due instant stands for. */
export type DueKind = 'task-timer' | 'sla' | 'timer' | 'due-date';

/** A due instant and what it is. */
export interface DueInstant {
  readonly at: Date;
  readonly kind: DueKind;
  /** The timer event's activity id (`task-timer`, `timer`; empty once a task's timer fired) or the SLA clock's name. */
  readonly source: string;
  /** For `task-timer`: the activity the timer is attached to. */
  readonly attachedTo?: string;
}

/** The head fields the rule reads. */
export interface DueSources {
  readonly timers: readonly PendingTimer[];
  readonly sla?: readonly SlaClock[];
}

/**
 * The due instant of a task: the timers attached to its activity, the deadline recorded on the task
 * when it opened (kept after a non-interrupting timer fired) and the running SLA clocks.
 */
export function taskDue(
  task: { readonly activityId: string; readonly dueAt?: Date; readonly dueSource?: 'dueDate' },
  head: DueSources,
): DueInstant | undefined {
  const recorded = task.dueAt ? new Date(task.dueAt) : undefined;
  if (task.dueSource === 'dueDate' && recorded) {
    const clocks = candidates(head).filter((due) => due.kind === 'sla');
    return earliest([...clocks, { at: recorded, kind: 'due-date', source: '', attachedTo: task.activityId }]);
  }
  const dues = candidates(head).filter((due) => due.kind === 'sla' || due.attachedTo === task.activityId);
  if (recorded && !dues.some((due) => due.kind === 'task-timer' && due.at.getTime() === recorded.getTime()))
    dues.push({ at: recorded, kind: 'task-timer', source: '', attachedTo: task.activityId });
  return earliest(dues);
}

/** The due instant of a ticket: any timer it waits on and the running SLA clocks. */
export function ticketDue(head: DueSources): DueInstant | undefined {
  return earliest(candidates(head));
}

/** True when the due instant is before `now`. */
export function isPastDue(due: DueInstant | undefined, now: Date): boolean {
  return due !== undefined && due.at.getTime() < now.getTime();
}

function candidates(head: DueSources): DueInstant[] {
  const dues: DueInstant[] = [];
  for (const timer of head.timers) {
    if (timer.executionId.startsWith('sla:')) continue;
    dues.push(
      timer.attachedTo
        ? {
            at: new Date(timer.dueAt),
            kind: 'task-timer',
            source: timer.activityId,
            attachedTo: timer.attachedTo,
          }
        : { at: new Date(timer.dueAt), kind: 'timer', source: timer.activityId },
    );
  }
  for (const clock of head.sla ?? []) {
    if (clock.status === 'running' && clock.dueAt)
      dues.push({ at: new Date(clock.dueAt), kind: 'sla', source: clock.name });
  }
  return dues;
}

/** The earliest; on a tie the SLA clock wins (it is what the ticket is measured on). */
function earliest(dues: readonly DueInstant[]): DueInstant | undefined {
  return [...dues].sort(
    (a, b) => a.at.getTime() - b.at.getTime() || Number(b.kind === 'sla') - Number(a.kind === 'sla'),
  )[0];
}
