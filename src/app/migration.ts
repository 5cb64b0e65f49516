import type { Actor } from '../domain/actor.js';
import type { Clock } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import type { InstanceRecord, TaskRecord } from '../domain/instance.js';
import type { ProcedureVersion } from '../domain/procedure.js';
import { requireAnyRole } from './authorization.js';
import { buildTransition, isEscalationTask } from './build-transition.js';
import type { DefinitionsService } from './definitions-service.js';
import type { InstanceLog } from './instance-log.js';
import { joinReachedBy, movedState, parseMigrationRequest, type MigrationRequest } from './migration-plan.js';
import type { InstanceStore, TaskRepository } from './ports.js';
import type { ProcedureEngine } from './procedure-engine.js';

/** Audit type of a ticket moved to another version of its procedure. */
export const MIGRATED_EVENT = 'instance.migrated';
/** Tickets looked at per request at most. */
const MAX_TICKETS = 500;

/** What a preview says of one ticket. */
export interface MigrationVerdict {
  readonly instanceId: string;
  readonly businessKey: string;
  readonly canMove: boolean;
  /** Why it cannot move (empty when it can). */
  readonly reasons: readonly string[];
  /** Each waiting task's activity and where it goes. */
  readonly moves: readonly { readonly from: string; readonly to: string }[];
  /** What will not follow although the ticket moves (e.g. a timer only the target has). */
  readonly notes: readonly string[];
}

/** A migration's answer: per ticket, whether it moved (and why not). */
export interface MigrationReport {
  readonly procedureId: string;
  readonly from: string;
  readonly to: string;
  readonly tickets: readonly (MigrationVerdict & { readonly migrated?: boolean })[];
}

/** Collaborators of {@link MigrationService}. */
export interface MigrationDeps {
  readonly definitions: DefinitionsService;
  readonly log: InstanceLog;
  readonly store: InstanceStore;
  readonly tasks: TaskRepository;
  readonly engine: ProcedureEngine;
  readonly clock: Clock;
}

/**
 * Moves running tickets from one version of a procedure to another, as Camunda 7's instance
 * migration (issue 13, ADR 0031). Only tickets waiting at user tasks move (each mapped to a user
 * task of the target); anything else is refused with a reason. A move re-runs the ticket's saved
 * engine state on the target version with the waiting tasks renamed, and commits it as one step
 * (`instance.migrated`): the tasks reopen under the target's names, forms and groups (assignees
 * kept), timers and SLA clocks go on from the saved state.
 */
export class MigrationService {
  constructor(private readonly deps: MigrationDeps) {}

  /** Which tickets of the source version can move, and why the others cannot. */
  async preview(input: unknown, actor: Actor): Promise<MigrationReport> {
    requireAnyRole(actor, ['supervisor', 'analyst']);
    const { request, from, to } = await this.versions(input);
    const heads = await this.candidates(request, from);
    const tickets = await Promise.all(heads.map((head) => this.verdict(head, request, from, to)));
    return { procedureId: request.procedureId, from: from.id, to: to.id, tickets };
  }

  /** Moves every ticket the preview allows; each one is its own step, checked again under its lock. */
  async migrate(input: unknown, actor: Actor): Promise<MigrationReport> {
    requireAnyRole(actor, ['supervisor', 'analyst']);
    const { request, from, to } = await this.versions(input);
    const heads = await this.candidates(request, from);
    const tickets = [];
    for (const head of heads) tickets.push(await this.moveOne(head.id, request, from, to, actor));
    return { procedureId: request.procedureId, from: from.id, to: to.id, tickets };
  }

  private async moveOne(
    instanceId: string,
    request: MigrationRequest,
    from: ProcedureVersion,
    to: ProcedureVersion,
    actor: Actor,
  ) {
    return this.deps.log.exclusive(instanceId, async () => {
      const head = await this.deps.log.load(instanceId);
      const verdict = await this.verdict(head, request, from, to);
      if (!verdict.canMove) return { ...verdict, migrated: false };
      const state = movedState(head.engineState, verdict.moves, from.xml, to.xml, to.version);
      const outcome = await this.deps.engine.resume({ id: to.id, xml: to.xml }, state, { kind: 'resume' });
      const expected = verdict.moves.map((move) => move.to).sort();
      const reached = outcome.waitingTasks.map((task) => task.activityId).sort();
      if (outcome.status !== 'running' || JSON.stringify(expected) !== JSON.stringify(reached)) {
        const why = `the engine could not resume it on ${to.id} (waits at ${reached.join(', ') || 'nothing'}, ${outcome.status})`;
        return { ...verdict, canMove: false, reasons: [why], migrated: false };
      }
      const step = {
        previous: head,
        catalog: to.catalog,
        actor,
        now: this.deps.clock.now(),
        type: MIGRATED_EVENT,
        data: { from: from.id, to: to.id, moves: verdict.moves },
      };
      const transition = buildTransition(step, outcome);
      const assignees = await this.assignees(head, verdict.moves);
      await this.deps.log.commit({
        ...transition,
        head: { ...transition.head, definitionId: to.id, engineVersion: this.deps.engine.version },
        effects: {
          ...transition.effects,
          openTasks: transition.effects.openTasks.map((task) => withAssignee(task, assignees)),
        },
      });
      return { ...verdict, migrated: true };
    });
  }

  private async versions(input: unknown) {
    const request = parseMigrationRequest(input);
    const { procedureId } = request;
    const from = await this.deps.definitions.byId(`${procedureId}@${request.fromVersion}`);
    const to = await this.deps.definitions.byId(`${procedureId}@${request.toVersion}`);
    if (from.id === to.id)
      throw new AppError('BAD_REQUEST', `toVersion: the tickets are already on ${to.id}`);
    return { request, from, to };
  }

  /** The running tickets of the source version (or the ones named), heads by `_id`. */
  private async candidates(request: MigrationRequest, from: ProcedureVersion): Promise<InstanceRecord[]> {
    if (request.instanceIds) {
      return Promise.all(request.instanceIds.map((id) => this.deps.log.load(id)));
    }
    const listed = await this.deps.store.listInstances({
      procedureId: request.procedureId,
      status: 'running',
      limit: MAX_TICKETS,
    });
    const ids = listed.filter((head) => head.definitionId === from.id).map((head) => head.id);
    return Promise.all(ids.map((id) => this.deps.log.load(id)));
  }

  /** Why a ticket can or cannot move (every reason listed). */
  private async verdict(
    head: InstanceRecord,
    request: MigrationRequest,
    from: ProcedureVersion,
    to: ProcedureVersion,
  ): Promise<MigrationVerdict> {
    const reasons: string[] = [];
    const base = { instanceId: head.id, businessKey: head.businessKey };
    if (head.procedureId !== request.procedureId || head.definitionId !== from.id) {
      reasons.push(`is on ${head.definitionId}, not ${from.id}`);
      return { ...base, canMove: false, reasons, moves: [], notes: [] };
    }
    if (head.status !== 'running') reasons.push(`is ${head.status}: only running tickets move`);
    for (const event of head.awaiting ?? []) {
      reasons.push(
        `waits for ${event.kind} "${event.name}" at <${event.activityId}>: only tickets waiting at user tasks move`,
      );
    }
    if (head.calls?.some((call) => call.status === 'running')) reasons.push('waits for a called ticket');
    const boundary = new Set(
      Object.values(from.catalog.timers)
        .filter((timer) => timer.attachedToRef)
        .map((timer) => timer.id),
    );
    const waiting = head.activeActivities.filter((id) => !boundary.has(id));
    for (const id of waiting.filter((id) => !from.catalog.userTasks[id])) {
      const join = joinReachedBy(from.xml, id);
      reasons.push(
        join
          ? `the join <${join}> is partly reached (flow <${id}> arrived): not moved`
          : `waits at <${id}>, which is not a user task (a sub-process, a catch event or a call): not moved`,
      );
    }
    const tasks = await this.openTasks(head);
    if (tasks.some((task) => task.item)) reasons.push('has a multi-instance task: not moved');
    const moves: { from: string; to: string }[] = [];
    for (const id of [...new Set(waiting.filter((id) => from.catalog.userTasks[id]))]) {
      const target =
        request.mapping[id] ?? (request.mapEqualActivities && to.catalog.userTasks[id] ? id : undefined);
      if (!target) reasons.push(`waits at <${id}>, which the mapping does not map`);
      else if (!to.catalog.userTasks[target])
        reasons.push(`<${id}> maps to <${target}>, which is not a user task of ${to.id}`);
      else moves.push({ from: id, to: target });
    }
    const targets = moves.map((move) => move.to);
    if (new Set(targets).size !== targets.length) reasons.push('two waiting tasks map to the same task');
    for (const timer of head.timers.filter((t) => !t.executionId.startsWith('sla:'))) {
      const move = moves.find((m) => m.from === timer.attachedTo);
      const spec = to.catalog.timers[timer.activityId];
      if (!move || !spec || spec.attachedToRef !== move.to) {
        reasons.push(`timer <${timer.activityId}> is on an element ${to.id} does not have at the same place`);
      }
    }
    const carried = new Set(head.timers.map((timer) => timer.activityId));
    const notes = Object.values(to.catalog.timers)
      .filter((timer) => moves.some((m) => m.to === timer.attachedToRef) && !carried.has(timer.id))
      .map(
        (timer) =>
          `timer <${timer.id}> on <${timer.attachedToRef}> is armed only when the task is entered again`,
      );
    return { ...base, canMove: reasons.length === 0, reasons, moves, notes };
  }

  private async openTasks(head: InstanceRecord): Promise<TaskRecord[]> {
    const ids = head.openTaskIds.filter((id) => !isEscalationTask(id));
    const found = await Promise.all(ids.map((id) => this.deps.tasks.findById(id)));
    return found.filter((task): task is TaskRecord => task !== null);
  }

  /** Who each moved task was assigned to, by target activity. */
  private async assignees(head: InstanceRecord, moves: readonly { from: string; to: string }[]) {
    const byTarget = new Map<string, string>();
    for (const task of await this.openTasks(head)) {
      const move = moves.find((m) => m.from === task.activityId);
      if (move && task.assignee) byTarget.set(move.to, task.assignee);
    }
    return byTarget;
  }
}

function withAssignee(task: TaskRecord, assignees: ReadonlyMap<string, string>): TaskRecord {
  const assignee = assignees.get(task.activityId);
  return assignee && !task.assignee ? { ...task, assignee } : task;
}
