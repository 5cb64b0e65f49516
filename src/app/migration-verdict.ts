import { AppError } from '../domain/errors.js';
import type { InstanceRecord, TaskRecord } from '../domain/instance.js';
import type { ProcedureVersion } from '../domain/procedure.js';
import { joinReachedBy, pendingFlows, type MigrationRequest } from './migration-plan.js';
import { noteText, reasonText, type MigrationNote, type MigrationReason } from './migration-reasons.js';

/** What a preview says of one ticket (ADR 0031). */
export interface MigrationVerdict {
  readonly instanceId: string;
  readonly businessKey: string;
  readonly canMove: boolean;
  /** Why it cannot move (empty when it can), in English. */
  readonly reasons: readonly string[];
  /** The same reasons as codes with their values, for translated pages. */
  readonly reasonCodes: readonly MigrationReason[];
  /** Each waiting task's activity and where it goes. */
  readonly moves: readonly { readonly from: string; readonly to: string }[];
  /** What will not follow although the ticket moves (e.g. a timer only the target has). */
  readonly notes: readonly string[];
  readonly noteCodes: readonly MigrationNote[];
}

/** Longest error message kept in a failed ticket's note. */
const MAX_ERROR_MESSAGE = 300;

/**
 * Why a ticket can or cannot move (every reason listed), from its head and its open tasks
 * (escalation tasks left out). Pure: reads nothing.
 */
export function ticketVerdict(
  head: InstanceRecord,
  tasks: readonly TaskRecord[],
  request: MigrationRequest,
  from: ProcedureVersion,
  to: ProcedureVersion,
): MigrationVerdict {
  const reasons: MigrationReason[] = [];
  const base = { instanceId: head.id, businessKey: head.businessKey };
  if (head.procedureId !== request.procedureId || head.definitionId !== from.id) {
    reasons.push({ code: 'other-version', current: head.definitionId, from: from.id });
    return verdictOf(base, reasons, [], []);
  }
  if (head.status !== 'running') reasons.push({ code: 'not-running', status: head.status });
  for (const event of head.awaiting ?? [])
    reasons.push({ code: 'awaits-event', kind: event.kind, name: event.name, id: event.activityId });
  if (head.calls?.some((call) => call.status === 'running')) reasons.push({ code: 'called-ticket' });
  const boundary = new Set(
    Object.values(from.catalog.timers)
      .filter((timer) => timer.attachedToRef)
      .map((timer) => timer.id),
  );
  // Flows arrived at a partly reached join come from the saved state (the runner may not list them).
  const active = new Set([...head.activeActivities, ...pendingFlows(head.engineState)]);
  const waiting = [...active].filter((id) => !boundary.has(id));
  for (const id of waiting.filter((id) => !from.catalog.userTasks[id])) {
    const join = joinReachedBy(from, id);
    reasons.push(join ? { code: 'join-partly-reached', join, id } : { code: 'not-user-task', id });
  }
  if (tasks.some((task) => task.item)) reasons.push({ code: 'multi-instance' });
  const moves: { from: string; to: string }[] = [];
  for (const id of [...new Set(waiting.filter((id) => from.catalog.userTasks[id]))]) {
    const target =
      request.mapping[id] ?? (request.mapEqualActivities && to.catalog.userTasks[id] ? id : undefined);
    if (!target) reasons.push({ code: 'unmapped', id });
    else if (!to.catalog.userTasks[target])
      reasons.push({ code: 'target-not-user-task', id, target, to: to.id });
    else moves.push({ from: id, to: target });
  }
  const targets = moves.map((move) => move.to);
  if (new Set(targets).size !== targets.length) reasons.push({ code: 'same-target' });
  for (const timer of head.timers.filter((t) => !t.executionId.startsWith('sla:'))) {
    const move = moves.find((m) => m.from === timer.attachedTo);
    const spec = to.catalog.timers[timer.activityId];
    if (!move || !spec || spec.attachedToRef !== move.to)
      reasons.push({ code: 'timer-misplaced', id: timer.activityId, to: to.id });
  }
  const carried = new Set(head.timers.map((timer) => timer.activityId));
  const notes: MigrationNote[] = Object.values(to.catalog.timers)
    .filter((timer) => moves.some((m) => m.to === timer.attachedToRef) && !carried.has(timer.id))
    .map((timer) => ({ code: 'timer-armed-on-entry', id: timer.id, target: timer.attachedToRef ?? '' }));
  return verdictOf(base, reasons, moves, notes);
}

/**
 * A ticket that could not be checked or moved because of an error (a CONFLICT with another
 * process, an id that names no ticket, an engine failure): reason `error` with the error code,
 * the code and (bounded) message as its note. The run goes on with the other tickets.
 */
export function failedVerdict(instanceId: string, businessKey: string, error: unknown): MigrationVerdict {
  const status = error instanceof AppError ? error.code : 'INTERNAL';
  const text = error instanceof Error ? error.message : String(error);
  const message = text.length > MAX_ERROR_MESSAGE ? `${text.slice(0, MAX_ERROR_MESSAGE)}…` : text;
  const verdict = verdictOf({ instanceId, businessKey }, [{ code: 'error', status, message }], [], []);
  return { ...verdict, notes: [`${status}: ${message}`] };
}

function verdictOf(
  base: { instanceId: string; businessKey: string },
  reasons: readonly MigrationReason[],
  moves: readonly { from: string; to: string }[],
  notes: readonly MigrationNote[],
): MigrationVerdict {
  return {
    ...base,
    canMove: reasons.length === 0,
    reasons: reasons.map(reasonText),
    reasonCodes: reasons,
    moves,
    notes: notes.map(noteText),
    noteCodes: notes,
  };
}

/** The verdict of a ticket the engine would not resume on the target as expected. */
export function refusedVerdict(verdict: MigrationVerdict, why: MigrationReason): MigrationVerdict {
  return { ...verdict, canMove: false, reasons: [reasonText(why)], reasonCodes: [why] };
}
