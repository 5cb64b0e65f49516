/**
 * The reporting read model of one ticket (docs/adr/0027): plain facts folded from its committed
 * steps, one step at a time. Instants are epoch milliseconds (compact in the month buckets).
 * Pure: the same previous facts and step always give the same next facts, so re-applying a step
 * is harmless.
 */
import type { InstanceEvent, InstanceRecord, InstanceStatus, TaskRecord } from '../instance.js';
import type { SlaStatus } from '../sla.js';
import { REQUESTER_EMAIL_KEYS } from '../mail-policy.js';
import { dimensionValues, type ReportDimension } from './dimensions.js';

/** One stay of the ticket at an activity: entered, and left (absent while there). */
export interface ActivityVisit {
  readonly a: string;
  readonly in: number;
  readonly out?: number;
}

/** Where one SLA target of the ticket stands (from the head's clock). */
export interface SlaFact {
  readonly id: string;
  readonly status: SlaStatus;
  readonly targetMs: number;
  /** Business milliseconds counted (final once the clock stopped). */
  readonly elapsedMs: number;
  /** Positive: breached by that many business ms; zero or negative: met with that margin. */
  readonly overByMs?: number;
}

/** A satisfaction answer (head variable `satisfaction`, written by the survey). */
export interface SatisfactionFact {
  readonly rating: number;
  readonly at?: number;
  readonly via?: string;
}

/** Everything the reports need about one ticket. */
export interface TicketFacts {
  /** The instance id. */
  readonly id: string;
  /** The last step folded in. */
  readonly seq: number;
  readonly procedureId: string;
  readonly version: number;
  readonly businessKey: string;
  readonly status: InstanceStatus;
  readonly channel?: string;
  /** Values of the procedure's declared report dimensions. */
  readonly dims: Readonly<Record<string, string>>;
  readonly openedAt: number;
  /** First task completed (or public reply) by a person. */
  readonly firstResponseAt?: number;
  /** Latest stop of a met/breached SLA clock, else the normal end of the ticket. */
  readonly resolvedAt?: number;
  /** When the ticket ended (completed, cancelled or failed). */
  readonly closedAt?: number;
  readonly sla: readonly SlaFact[];
  /**
   * Times one of its tasks was taken from the person holding it: assigned to someone else, or
   * given back (a supervisor's first dispatch of an unassigned task is not one).
   */
  readonly reassignments: number;
  /** SLA steps that handed the ticket to an escalation level's group (a notice alone is not one). */
  readonly escalations: number;
  /** Ids of its tasks someone holds now (kept on the ticket's row only, not in the month buckets). */
  readonly held?: readonly string[];
  readonly agents: readonly string[];
  readonly groups: readonly string[];
  readonly satisfaction?: SatisfactionFact;
  readonly visits: readonly ActivityVisit[];
  /** The requester's email, lowercased (search). */
  readonly requester?: string;
  /** Lowercased text of the ticket's string variables, at most 1500 characters (search). */
  readonly text?: string;
  /** Lowercased conversation bodies, the latest 1500 characters (search). */
  readonly talk?: string;
}

/** What one committed step tells the read model (a transition without engine state). */
export interface ReportStep {
  readonly event: InstanceEvent;
  readonly head: Omit<InstanceRecord, 'engineState'> & { readonly engineState?: unknown };
  readonly effects: { readonly openTasks: readonly Pick<TaskRecord, 'id' | 'candidateGroups'>[] };
}

/** Most activity visits kept per ticket (a weekly cycle of a year fits). */
export const MAX_VISITS = 120;
/** Most agents or groups kept per ticket. */
const MAX_PEOPLE = 30;

/** True for a person (not the timer, the loader, or a requester). */
export function isHumanActor(actor: string): boolean {
  return actor !== '' && !actor.startsWith('system:') && !actor.startsWith('requester:');
}

const RESPONSES = new Set(['task.completed', 'conversation.reply']);
/** Steps that give a task to a person, or take it back from one. */
const HOLDING = new Set(['task.claimed', 'task.assigned', 'task.unclaimed']);
/** Steps after which a task is held by nobody (besides the SLA's escalation acknowledgement). */
const RELEASING = new Set(['task.completed', 'task.unclaimed', 'escalation.acknowledged']);
/** Most held task ids kept per ticket. */
const MAX_HELD = 20;
const AGENT_STEPS = new Set(['task.completed', 'task.claimed', 'conversation.reply', 'conversation.note']);

/** Folds one step into the ticket's facts (`previous` absent: the ticket's first step). */
export function advanceFacts(
  previous: TicketFacts | undefined,
  step: ReportStep,
  dimensions: readonly ReportDimension[],
): TicketFacts {
  const { event, head } = step;
  const at = new Date(event.at).getTime();
  const human = isHumanActor(event.actor);
  const sla = (head.sla ?? []).map(slaFact);
  const closedAt = head.endedAt ? new Date(head.endedAt).getTime() : undefined;
  const satisfaction = satisfactionOf(head.variables.satisfaction) ?? previous?.satisfaction;
  const channel =
    typeof head.variables.channel === 'string' ? head.variables.channel.slice(0, 40) : undefined;
  const firstResponseAt = previous?.firstResponseAt ?? (human && RESPONSES.has(event.type) ? at : undefined);
  const resolvedAt = resolvedOf(head, closedAt);
  const groups = step.effects.openTasks.flatMap((task) => task.candidateGroups);
  return {
    id: head.id,
    seq: event.seq,
    procedureId: head.procedureId,
    version: versionOf(head.definitionId),
    businessKey: head.businessKey,
    status: head.status,
    ...(channel ? { channel } : {}),
    dims: { ...previous?.dims, ...dimensionValues(head.variables, dimensions) },
    openedAt: new Date(head.startedAt).getTime(),
    ...(firstResponseAt !== undefined ? { firstResponseAt } : {}),
    ...(resolvedAt !== undefined ? { resolvedAt } : {}),
    ...(closedAt !== undefined ? { closedAt } : {}),
    sla,
    reassignments: (previous?.reassignments ?? 0) + (isReassignment(event, previous?.held) ? 1 : 0),
    escalations: (previous?.escalations ?? 0) + escalationsOf(event),
    ...heldAfter(event, previous?.held),
    agents: union(previous?.agents, human && AGENT_STEPS.has(event.type) ? [event.actor] : []),
    groups: union(previous?.groups, groups),
    ...(satisfaction ? { satisfaction } : {}),
    visits: nextVisits(previous?.visits ?? [], head.activeActivities, at),
    ...searchFields(previous, step),
  };
}

/** Longest search text and conversation text kept per ticket. */
const MAX_TEXT = 1500;

function searchFields(
  previous: TicketFacts | undefined,
  step: ReportStep,
): Pick<TicketFacts, 'requester' | 'text' | 'talk'> {
  const { variables } = step.head;
  const email = REQUESTER_EMAIL_KEYS.map((key) => variables[key]).find(
    (value) => typeof value === 'string' && value,
  );
  const text = Object.values(variables)
    .filter((value): value is string => typeof value === 'string')
    .map((value) => value.slice(0, 300))
    .join(' ')
    .slice(0, MAX_TEXT)
    .toLowerCase();
  const body = step.event.type.startsWith('conversation.') ? step.event.data.body : undefined;
  const talk =
    typeof body === 'string'
      ? `${previous?.talk ?? ''} ${body.slice(0, MAX_TEXT)}`.slice(-MAX_TEXT).toLowerCase()
      : previous?.talk;
  return {
    ...(typeof email === 'string'
      ? { requester: email.trim().toLowerCase().slice(0, 200) }
      : previous?.requester
        ? { requester: previous.requester }
        : {}),
    ...(text ? { text } : {}),
    ...(talk ? { talk } : {}),
  };
}

/** First contact resolution: resolved normally, never escalated nor reassigned, one group at most. */
export function isFirstContactResolution(facts: TicketFacts): boolean {
  return (
    facts.status === 'completed' &&
    facts.escalations === 0 &&
    facts.reassignments === 0 &&
    facts.groups.length <= 1
  );
}

function slaFact(clock: NonNullable<InstanceRecord['sla']>[number]): SlaFact {
  return {
    id: clock.id,
    status: clock.status,
    targetMs: clock.targetMs,
    elapsedMs: clock.elapsedMs,
    ...(clock.overByMs !== undefined ? { overByMs: clock.overByMs } : {}),
  };
}

function resolvedOf(head: ReportStep['head'], closedAt: number | undefined): number | undefined {
  const stops = (head.sla ?? [])
    .filter((clock) => (clock.status === 'met' || clock.status === 'breached') && clock.stoppedAt)
    .map((clock) => new Date(clock.stoppedAt!).getTime());
  if (stops.length) return Math.max(...stops);
  return head.status === 'completed' ? closedAt : undefined;
}

function satisfactionOf(value: unknown): SatisfactionFact | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { rating, at, via } = value as Record<string, unknown>;
  const score = typeof rating === 'string' ? Number(rating) : rating;
  if (typeof score !== 'number' || !Number.isFinite(score)) return undefined;
  const when = at === undefined ? NaN : new Date(at as string).getTime();
  return {
    rating: score,
    ...(Number.isFinite(when) ? { at: when } : {}),
    ...(typeof via === 'string' ? { via: via.slice(0, 20) } : {}),
  };
}

/**
 * A task taken from the person holding it: given back (`task.unclaimed` always had a holder), or
 * assigned while someone else held it. A first assignment or claim of an unheld task is not one.
 */
function isReassignment(event: InstanceEvent, held: readonly string[] = []): boolean {
  if (event.type === 'task.unclaimed') return true;
  if (event.type !== 'task.assigned') return false;
  const taskId = event.data.taskId;
  return typeof taskId === 'string' && held.includes(taskId);
}

/** The held task ids after the step (absent when none). */
function heldAfter(event: InstanceEvent, held: readonly string[] = []): Pick<TicketFacts, 'held'> {
  const taskId = typeof event.data.taskId === 'string' ? event.data.taskId : undefined;
  let next = held;
  if (taskId && RELEASING.has(event.type)) next = held.filter((id) => id !== taskId);
  else if (taskId && HOLDING.has(event.type) && event.data.assignee && !held.includes(taskId))
    next = [...held, taskId].slice(-MAX_HELD);
  return next.length ? { held: next } : {};
}

/**
 * Real escalations: an SLA step (live, or caught up late in `slaEscalations`) that reached a level
 * with a group, which gets an escalation task. A warning that only notifies is not one.
 */
function escalationsOf(event: InstanceEvent): number {
  const caughtUp = event.data.slaEscalations;
  const late = Array.isArray(caughtUp)
    ? caughtUp.filter((missed) =>
        levelsOf(missed).some((level) => level.group && level.action === 'escalated'),
      ).length
    : 0;
  const live =
    (event.type === 'sla.warning' || event.type === 'sla.breach') &&
    levelsOf(event.data).some((level) => level.group);
  return late + (live ? 1 : 0);
}

function levelsOf(value: unknown): { group?: unknown; action?: unknown }[] {
  const levels = (value as { levels?: unknown } | null)?.levels;
  return Array.isArray(levels) ? levels.filter((level) => level && typeof level === 'object') : [];
}

function versionOf(definitionId: string): number {
  const version = Number(definitionId.slice(definitionId.lastIndexOf('@') + 1));
  return Number.isInteger(version) ? version : 0;
}

function union(previous: readonly string[] = [], added: readonly string[]): readonly string[] {
  if (added.every((item) => previous.includes(item)) || previous.length >= MAX_PEOPLE) return previous;
  return [...new Set([...previous, ...added])].slice(0, MAX_PEOPLE);
}

/** Closes the stays at activities no longer active and opens stays at newly active ones. */
function nextVisits(
  visits: readonly ActivityVisit[],
  active: readonly string[],
  at: number,
): ActivityVisit[] {
  const now = new Set(active);
  const next = visits.map((visit) =>
    visit.out === undefined && !now.has(visit.a) ? { ...visit, out: at } : visit,
  );
  for (const activity of now) {
    const staying = next.some((visit) => visit.a === activity && visit.out === undefined);
    if (!staying && next.length < MAX_VISITS) next.push({ a: activity, in: at });
  }
  return next;
}
