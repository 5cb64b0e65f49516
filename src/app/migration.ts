import type { Actor } from '../domain/actor.js';
import type { Clock } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import type { InstanceRecord, TaskRecord } from '../domain/instance.js';
import type { ProcedureVersion } from '../domain/procedure.js';
import { requireAnyRole } from './authorization.js';
import { buildTransition, isEscalationTask } from './build-transition.js';
import type { DefinitionsService } from './definitions-service.js';
import type { InstanceLog } from './instance-log.js';
import { movedState, parseMigrationRequest, type MigrationRequest } from './migration-plan.js';
import type { MigrationReason } from './migration-reasons.js';
import { failedVerdict, refusedVerdict, ticketVerdict, type MigrationVerdict } from './migration-verdict.js';
import type { InstanceStore, TaskRepository } from './ports.js';
import type { ProcedureEngine } from './procedure-engine.js';

export type { MigrationVerdict } from './migration-verdict.js';

/** Audit type of a ticket moved to another version of its procedure. */
export const MIGRATED_EVENT = 'instance.migrated';
/** Tickets read, previewed and moved per batch, unless the deps say otherwise. */
const BATCH = 500;
/** Batches of running tickets read at most per request (so at most 100 × the batch size). */
const MAX_BATCHES = 100;
/**
 * Times a migration lists the source version's tickets at most: a ticket that ends during a pass
 * shifts the newest-first pages, so the list is read again until a pass finds nothing new.
 */
const MAX_PASSES = 3;

/** A migration's answer: per ticket, whether it moved (and why not). */
export interface MigrationReport {
  readonly procedureId: string;
  readonly from: string;
  readonly to: string;
  readonly tickets: readonly (MigrationVerdict & { readonly migrated?: boolean })[];
  /** Tickets on the source version (or named); a preview lists the first batch of them. */
  readonly total: number;
  /** Tickets a preview did not list (beyond its first batch); a migration moves them too. */
  readonly notShown: number;
}

/** Collaborators of {@link MigrationService}. */
export interface MigrationDeps {
  readonly definitions: DefinitionsService;
  readonly log: InstanceLog;
  readonly store: InstanceStore;
  readonly tasks: TaskRepository;
  readonly engine: ProcedureEngine;
  readonly clock: Clock;
  /** Tickets read, previewed and moved per batch (default 500, `HELPDESK_MIGRATION_BATCH`). */
  readonly batchSize?: number;
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

  /**
   * Which tickets of the source version can move, and why the others cannot: the first batch is
   * listed, `notShown` counts the rest (each is checked again when it is moved).
   */
  async preview(input: unknown, actor: Actor): Promise<MigrationReport> {
    requireAnyRole(actor, ['supervisor', 'analyst']);
    const { request, from, to } = await this.versions(input);
    const ids = await this.candidates(request, from);
    const shown = ids.slice(0, this.batch);
    const tickets = await Promise.all(
      shown.map((id) =>
        this.guarded(id, async () => this.verdict(await this.deps.log.load(id), request, from, to)),
      ),
    );
    const { procedureId } = request;
    return {
      procedureId,
      from: from.id,
      to: to.id,
      tickets,
      total: ids.length,
      notShown: ids.length - shown.length,
    };
  }

  /**
   * Moves every ticket the preview allows (all of them, not only the ones a preview listed); each
   * one is its own step, checked again under its lock. A ticket that fails (CONFLICT, unknown id,
   * engine error) is reported `migrated: false` with reason `error` and the run goes on. The
   * source version is listed again after each pass (at most {@link MAX_PASSES}) until it holds no
   * ticket not tried yet, so tickets ending meanwhile cannot hide others.
   */
  async migrate(input: unknown, actor: Actor): Promise<MigrationReport> {
    requireAnyRole(actor, ['supervisor', 'analyst']);
    const { request, from, to } = await this.versions(input);
    const tried = new Set<string>();
    const tickets: (MigrationVerdict & { migrated: boolean })[] = [];
    for (let pass = 0; pass < (request.instanceIds ? 1 : MAX_PASSES); pass++) {
      const fresh = (await this.candidates(request, from)).filter((id) => !tried.has(id));
      if (fresh.length === 0) break;
      for (const id of fresh) {
        tried.add(id);
        const moved = await this.guarded(id, () => this.moveOne(id, request, from, to, actor));
        tickets.push({ ...moved, migrated: 'migrated' in moved && moved.migrated === true });
      }
    }
    const { procedureId } = request;
    return { procedureId, from: from.id, to: to.id, tickets, total: tried.size, notShown: 0 };
  }

  /** Runs the check or move of one ticket; an error becomes that ticket's failed verdict. */
  private async guarded<T extends MigrationVerdict>(
    instanceId: string,
    work: () => Promise<T>,
  ): Promise<T | MigrationVerdict> {
    try {
      return await work();
    } catch (error) {
      const head = await this.deps.log.load(instanceId).catch(() => undefined);
      return failedVerdict(instanceId, head?.businessKey ?? '', error);
    }
  }

  private get batch(): number {
    return Math.max(1, this.deps.batchSize ?? BATCH);
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
      const state = movedState(head.engineState, verdict.moves, from, to, to.version);
      const outcome = await this.deps.engine.resume({ id: to.id, xml: to.xml }, state, { kind: 'resume' });
      const expected = verdict.moves.map((move) => move.to).sort();
      const reached = outcome.waitingTasks.map((task) => task.activityId).sort();
      if (outcome.status !== 'running' || JSON.stringify(expected) !== JSON.stringify(reached)) {
        const why: MigrationReason = {
          code: 'engine-refused',
          to: to.id,
          reached: reached.join(', ') || 'nothing',
          status: outcome.status,
        };
        return { ...refusedVerdict(verdict, why), migrated: false };
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

  /**
   * Ids of the running tickets of the source version (or the ones named): every running ticket
   * of the procedure is read, batch after batch (at most {@link MAX_BATCHES}), newest first. A
   * ticket started meanwhile shifts the pages (it is then seen twice: counted once); one ending
   * meanwhile may hide another (so {@link migrate} lists again).
   */
  private async candidates(request: MigrationRequest, from: ProcedureVersion): Promise<string[]> {
    if (request.instanceIds) return [...new Set(request.instanceIds)];
    const ids = new Set<string>();
    for (let page = 0; page < MAX_BATCHES; page++) {
      const listed = await this.deps.store.listInstances({
        procedureId: request.procedureId,
        status: 'running',
        limit: this.batch,
        skip: page * this.batch,
      });
      for (const head of listed) if (head.definitionId === from.id) ids.add(head.id);
      if (listed.length < this.batch) break;
    }
    return [...ids];
  }

  /** Why a ticket can or cannot move (every reason listed). */
  private async verdict(
    head: InstanceRecord,
    request: MigrationRequest,
    from: ProcedureVersion,
    to: ProcedureVersion,
  ): Promise<MigrationVerdict> {
    return ticketVerdict(head, await this.openTasks(head), request, from, to);
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
