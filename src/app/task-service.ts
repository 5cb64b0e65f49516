import { retryOnConflict } from './retry.js';
import { hasRole, type Actor } from '../domain/actor.js';
import { candidateGroupsOf } from '../domain/sla/camunda-task.js';
import type { Clock } from '../domain/clock.js';
import { AppError, isAppError } from '../domain/errors.js';
import type { InstanceRecord, TaskRecord, TaskStatus } from '../domain/instance.js';
import { bookkeepingTransition, buildTransition, isEscalationTask } from './build-transition.js';
import type { DefinitionsService } from './definitions-service.js';
import type { InstanceLog } from './instance-log.js';
import type { FormValidator, TaskRepository } from './ports.js';
import type { ProcedureEngine } from './procedure-engine.js';
import { requireRole } from './authorization.js';
import { acceptFormData } from './form-data.js';
import type { FollowUpView } from './task-follow-up.js';
import { stampChecklistTicks } from '../domain/kb/checklist.js';

/** Filters an agent may use on the task list. */
export interface TaskListFilter {
  readonly candidateGroup?: string;
  readonly assignee?: string;
  readonly status?: TaskStatus;
  readonly procedureId?: string;
  readonly limit?: number;
  /** Open tasks by follow-up instant (`task-follow-up.ts`): `due` (default) hides those scheduled for later. */
  readonly followUp?: FollowUpView;
}

/** Event types that complete a task (the idempotency check of `complete` looks for them). */
const COMPLETIONS: readonly string[] = ['task.completed', 'escalation.acknowledged'];

/** User names an assignment may name (the same characters as account user names and API users). */
const USER_ID = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;

/** Claiming and completing human tasks. */
export class TaskService {
  constructor(
    private readonly deps: {
      readonly definitions: DefinitionsService;
      readonly engine: ProcedureEngine;
      readonly log: InstanceLog;
      readonly tasks: TaskRepository;
      readonly forms: FormValidator;
      readonly clock: Clock;
    },
  ) {}

  /** Tasks visible to the actor: offered to their groups or assigned to them (supervisors see all). */
  list(filter: TaskListFilter, actor: Actor): Promise<TaskRecord[]> {
    const seesAll = hasRole(actor, 'supervisor');
    if (!seesAll) requireRole(actor, 'agent');
    // Own `user:<id>` entry: tasks offered by camunda:candidateUsers (ADR 0031).
    const groups = filter.candidateGroup
      ? [filter.candidateGroup]
      : seesAll
        ? undefined
        : candidateGroupsOf(actor);
    if (!seesAll && filter.candidateGroup && !actor.groups.includes(filter.candidateGroup)) {
      throw new AppError('FORBIDDEN', `you are not a member of group <${filter.candidateGroup}>`);
    }
    // An agent sees their own assignments, never a colleague's outside their groups.
    const assignee = seesAll ? filter.assignee : actor.id;
    return this.deps.tasks.list({
      ...(groups ? { candidateGroups: groups } : {}),
      ...(assignee ? { assignee } : {}),
      status: filter.status ?? 'open',
      ...(filter.procedureId ? { procedureId: filter.procedureId } : {}),
      // A task scheduled for later (camunda:followUpDate) is not listed before then (ADR 0030).
      followUp: { view: filter.followUp ?? 'due', now: this.deps.clock.now() },
      limit: Math.min(filter.limit ?? 100, 500),
    });
  }

  async get(taskId: string, actor: Actor): Promise<TaskRecord> {
    const task = await this.find(taskId);
    if (!hasRole(actor, 'supervisor')) assertVisible(task, actor);
    return task;
  }

  /** Assigns an open task to the actor. Idempotent for the current assignee. */
  async claim(taskId: string, actor: Actor): Promise<TaskRecord> {
    requireRole(actor, 'agent');
    return this.bookkeeping(taskId, actor, 'task.claimed', (task) => {
      if (task.assignee === actor.id) return null;
      if (task.assignee)
        throw new AppError('CONFLICT', `task <${task.id}> is already assigned to ${task.assignee}`);
      assertOffered(task, actor);
      return actor.id;
    });
  }

  /** Gives an assigned task back to its groups. */
  async unclaim(taskId: string, actor: Actor): Promise<TaskRecord> {
    if (!hasRole(actor, 'supervisor')) requireRole(actor, 'agent');
    return this.bookkeeping(taskId, actor, 'task.unclaimed', (task) => {
      if (!task.assignee) return null;
      if (task.assignee !== actor.id && !hasRole(actor, 'supervisor')) {
        throw new AppError('TASK_NOT_ASSIGNED_TO_YOU', `task <${task.id}> is assigned to ${task.assignee}`);
      }
      return '';
    });
  }

  /** A supervisor gives an open task to a user (agents only claim and unclaim). Idempotent. */
  async assign(taskId: string, assignee: string, actor: Actor): Promise<TaskRecord> {
    requireRole(actor, 'supervisor');
    const user = assignee.trim();
    if (!USER_ID.test(user)) {
      throw new AppError('BAD_REQUEST', `assignee <${assignee}> is not a valid user name`, [
        { path: 'assignee', reason: 'format', message: 'the assignee must be a user name' },
      ]);
    }
    return this.bookkeeping(taskId, actor, 'task.assigned', (task) => (task.assignee === user ? null : user));
  }

  /**
   * Validates the form data, completes the task and runs the instance to its next wait. With an
   * idempotency key (recorded in the event) a retry of a completion that already committed answers
   * the instance's current state instead of TASK_NOT_OPEN or CONFLICT.
   */
  async complete(
    taskId: string,
    input: unknown,
    actor: Actor,
    options: { readonly idempotencyKey?: string } = {},
  ): Promise<InstanceRecord> {
    requireRole(actor, 'agent');
    const key = options.idempotencyKey;
    const initial = await this.find(taskId);
    try {
      return await retryOnConflict(() => this.completeOnce(initial, input, actor, key));
    } catch (error) {
      const retried =
        key && isAppError(error) && (error.code === 'TASK_NOT_OPEN' || error.code === 'CONFLICT');
      const head = retried ? await this.completedWithKey(initial.instanceId, taskId, actor, key) : undefined;
      if (head) return head;
      throw error;
    }
  }

  private completeOnce(
    initial: TaskRecord,
    input: unknown,
    actor: Actor,
    key: string | undefined,
  ): Promise<InstanceRecord> {
    const keyData = key ? { idempotencyKey: key } : {};
    const { instanceId, id: taskId } = initial;
    return this.deps.log.exclusive(instanceId, async () => {
      const previous = await this.deps.log.load(instanceId);
      const task = await this.openTask(taskId, previous, initial);
      assertMayComplete(task, actor);
      const noForm = `task <${task.id}> has no form`;
      const definition = await this.deps.definitions.byId(previous.definitionId);
      const pins = definition.formVersions;
      const accepted = await acceptFormData(this.deps.forms, task.formKey, input, noForm, actor.id, pins);
      // Checklist ticks are the completer's, at the server's time (docs/adr/0023), whatever was posted.
      const data = stampChecklistTicks(accepted, actor.id, this.deps.clock.now());
      if (isEscalationTask(task.id)) return this.acknowledgeEscalation(previous, task, data, actor, key);
      const action = { kind: 'complete-task' as const, executionId: task.executionId, data };
      const outcome = await this.deps.engine.resume(definition, previous.engineState, action);
      const now = this.deps.clock.now();
      const step = { previous, catalog: definition.catalog, actor, now, type: 'task.completed' };
      const eventData = { taskId, activityId: task.activityId, data, ...keyData };
      const transition = buildTransition(
        { ...step, data: eventData, completedTask: { id: taskId, data } },
        outcome,
      );
      return (await this.deps.log.commit(transition)).head;
    });
  }

  /** The instance's current state if this actor already completed the task with this key. */
  private async completedWithKey(
    instanceId: string,
    taskId: string,
    actor: Actor,
    key: string,
  ): Promise<InstanceRecord | undefined> {
    const head = await this.deps.log.load(instanceId);
    const completion = await this.deps.log.findEvent(
      head,
      (event) => event.data.taskId === taskId && COMPLETIONS.includes(event.type),
    );
    const ours = completion?.actor === actor.id && completion.data.idempotencyKey === key;
    return ours ? head : undefined;
  }

  /** Escalation tasks are the SLA's, not the engine's: completing one records the action taken. */
  private async acknowledgeEscalation(
    previous: InstanceRecord,
    task: TaskRecord,
    data: Record<string, unknown>,
    actor: Actor,
    idempotencyKey?: string,
  ): Promise<InstanceRecord> {
    const definition = await this.deps.definitions.byId(previous.definitionId);
    const now = this.deps.clock.now();
    const step = { previous, catalog: definition.catalog, actor, now, type: 'escalation.acknowledged' };
    const closed = { id: task.id, status: 'completed' as const, at: now, by: actor.id, data };
    const keyData = idempotencyKey ? { idempotencyKey } : {};
    const transition = bookkeepingTransition(
      { ...step, data: { taskId: task.id, activityId: task.activityId, data, ...keyData } },
      { closeTasks: [closed] },
    );
    const head = { ...transition.head, openTaskIds: previous.openTaskIds.filter((id) => id !== task.id) };
    return (await this.deps.log.commit({ ...transition, head })).head;
  }

  private async bookkeeping(
    taskId: string,
    actor: Actor,
    type: string,
    decide: (task: TaskRecord) => string | null,
  ): Promise<TaskRecord> {
    const initial = await this.find(taskId);
    return retryOnConflict(() => this.bookkeepingOnce(initial, actor, type, decide));
  }

  private bookkeepingOnce(
    initial: TaskRecord,
    actor: Actor,
    type: string,
    decide: (task: TaskRecord) => string | null,
  ): Promise<TaskRecord> {
    const { instanceId, id: taskId } = initial;
    return this.deps.log.exclusive(instanceId, async () => {
      const previous = await this.deps.log.load(instanceId);
      const task = await this.openTask(taskId, previous, initial);
      const assignee = decide(task);
      if (assignee === null) return task;
      const definition = await this.deps.definitions.byId(previous.definitionId);
      const step = { previous, catalog: definition.catalog, actor, now: this.deps.clock.now(), type };
      const transition = bookkeepingTransition(
        { ...step, data: { taskId, assignee: assignee || null } },
        {
          assign: [{ id: taskId, assignee: assignee || null }],
        },
      );
      const { event } = await this.deps.log.commit(transition);
      // The task as this step stored it (no read back): the assignment applied, the step's seq.
      const { assignee: _previous, ...unassigned } = task;
      return assignee ? { ...unassigned, assignee, seq: event.seq } : { ...unassigned, seq: event.seq };
    });
  }

  private async find(taskId: string): Promise<TaskRecord> {
    const task = await this.deps.tasks.findById(taskId);
    if (!task) throw new AppError('TASK_NOT_FOUND', `task <${taskId}> not found`);
    return task;
  }

  /**
   * The task as of the instance's latest state; TASK_NOT_OPEN if that state no longer waits on it.
   * `known` (read before the head was loaded) is that state when the step that last wrote it is the
   * head's own step: a later change would have a later seq, and one committed after the load makes
   * the commit a CONFLICT. Otherwise the task is read again.
   */
  private async openTask(taskId: string, head: InstanceRecord, known?: TaskRecord): Promise<TaskRecord> {
    const current = known?.seq !== undefined && known.seq === head.seq;
    const task = current ? known : await this.find(taskId);
    if (head.status === 'incident') {
      throw new AppError(
        'INSTANCE_NOT_RUNNING',
        `instance <${head.id}> is in incident (${head.error ?? 'stopped'}): a supervisor must retry or cancel it`,
      );
    }
    if (task.status !== 'open' || !head.openTaskIds.includes(taskId)) {
      throw new AppError(
        'TASK_NOT_OPEN',
        `task <${taskId}> is ${task.status === 'open' ? 'no longer open' : task.status}`,
      );
    }
    return task;
  }
}

function isOffered(task: TaskRecord, actor: Actor): boolean {
  const groups = candidateGroupsOf(actor);
  return task.candidateGroups.length === 0 || task.candidateGroups.some((group) => groups.includes(group));
}

function assertOffered(task: TaskRecord, actor: Actor): void {
  if (!isOffered(task, actor) && !hasRole(actor, 'admin')) {
    throw new AppError(
      'TASK_NOT_OFFERED_TO_YOU',
      `task <${task.id}> is offered to ${task.candidateGroups.join(', ')}`,
    );
  }
}

function assertVisible(task: TaskRecord, actor: Actor): void {
  if (task.assignee !== actor.id) assertOffered(task, actor);
}

function assertMayComplete(task: TaskRecord, actor: Actor): void {
  if (task.assignee && task.assignee !== actor.id && !hasRole(actor, 'admin')) {
    throw new AppError('TASK_NOT_ASSIGNED_TO_YOU', `task <${task.id}> is assigned to ${task.assignee}`);
  }
  if (!task.assignee) assertOffered(task, actor);
}
