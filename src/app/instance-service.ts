import { randomUUID } from 'node:crypto';
import { hasRole, type Actor } from '../domain/actor.js';
import type { Clock } from '../domain/clock.js';
import { AppError, isAppError } from '../domain/errors.js';
import {
  unstartedInstance,
  type InstanceEvent,
  type InstanceRecord,
  type OutboxMessage,
  type TaskRecord,
} from '../domain/instance.js';
import { requireAnyRole, requireRole } from './authorization.js';
import { buildTransition, cancelledOutcome } from './build-transition.js';
import { lastIncident, retryTransition } from './incident-retry.js';
import { acceptFormData } from './form-data.js';
import { instanceIdForKey } from './idempotency.js';
import type { DefinitionsService } from './definitions-service.js';
import type { InstanceLog } from './instance-log.js';
import type { FormValidator, InstanceStore, Outbox, TaskRepository, TicketNumbers } from './ports.js';
import type { ProcedureEngine } from './procedure-engine.js';

/** Everything a supervisor sees about one instance. */
export interface InstanceView {
  readonly instance: Omit<InstanceRecord, 'engineState'>;
  readonly events: readonly InstanceEvent[];
  readonly tasks: readonly TaskRecord[];
  readonly messages: readonly OutboxMessage[];
}

/** Collaborators of the instance use cases. */
export interface InstanceServiceDeps {
  readonly definitions: DefinitionsService;
  readonly engine: ProcedureEngine;
  readonly log: InstanceLog;
  readonly store: InstanceStore;
  readonly tasks: TaskRepository;
  readonly outbox: Outbox;
  readonly forms: FormValidator;
  readonly ticketNumbers: TicketNumbers;
  readonly clock: Clock;
}

/** Starting, inspecting and cancelling procedure instances. */
export class InstanceService {
  constructor(private readonly deps: InstanceServiceDeps) {}

  /**
   * Opens a ticket: validates the start form, allocates the ticket number and runs to the first wait.
   * With an idempotency key the instance id is derived from (user, key): a retried start answers
   * the instance its first attempt opened (as first committed) instead of opening a second ticket.
   */
  async start(
    procedureId: string,
    input: unknown,
    actor: Actor,
    options: { readonly idempotencyKey?: string } = {},
  ): Promise<InstanceRecord> {
    requireRole(actor, 'agent');
    const key = options.idempotencyKey;
    const id = key ? instanceIdForKey(actor.id, key) : randomUUID();
    const replayed = key ? await this.startedBefore(id, procedureId) : undefined;
    if (replayed) return replayed;
    try {
      return await this.open(id, procedureId, input, actor);
    } catch (error) {
      const lost = key && isAppError(error) && error.code === 'CONFLICT';
      const winner = lost ? await this.startedBefore(id, procedureId) : undefined;
      if (winner) return winner; // the same start, retried while the first attempt was in flight
      throw error;
    }
  }

  /** The head a keyed start committed first (projections rolled forward), if it committed. */
  private async startedBefore(id: string, procedureId: string): Promise<InstanceRecord | undefined> {
    const first = await this.deps.log.step(id, 1);
    if (!first) return undefined;
    if (first.head.procedureId !== procedureId) {
      throw new AppError(
        'CONFLICT',
        `idempotency key already opened ticket <${first.head.businessKey}> of procedure <${first.head.procedureId}>`,
      );
    }
    // Its writer may have stopped before the projections: roll forward (else the reconciler will).
    await this.deps.log.load(id).catch(() => undefined);
    return first.head;
  }

  private async open(id: string, procedureId: string, input: unknown, actor: Actor): Promise<InstanceRecord> {
    const definition = await this.deps.definitions.current(procedureId);
    const { catalog } = definition;
    const noForm = `procedure <${procedureId}> has no start form`;
    const variables = await acceptFormData(this.deps.forms, catalog.startFormKey, input, noForm, actor.id);
    const now = this.deps.clock.now();
    const businessKey = await this.deps.ticketNumbers.next(catalog.ticketPrefix, now.getUTCFullYear(), id);
    const outcome = await this.deps.engine.start(definition, { ...variables, ticketNumber: businessKey });
    const previous = unstartedInstance({
      id,
      procedureId,
      definitionId: definition.id,
      businessKey,
      engineVersion: this.deps.engine.version,
      startedAt: now,
      startedBy: actor.id,
    });
    const data = { definitionId: definition.id, businessKey, variables };
    const transition = buildTransition(
      { previous, catalog, actor, now, type: 'instance.started', data },
      outcome,
    );
    return (await this.deps.log.commit(transition)).head;
  }

  /**
   * The instance with its audit trail, tasks and messages. Supervisors see every
   * instance; an agent only one they started or with a task offered to one of their
   * groups or assigned to (or completed by) them.
   */
  async get(instanceId: string, actor: Actor): Promise<InstanceView> {
    requireAnyRole(actor, ['supervisor', 'agent']);
    const head = await this.deps.log.load(instanceId);
    const { engineState: _state, ...instance } = head;
    const [events, tasks, messages] = await Promise.all([
      this.deps.store.listEvents(instanceId),
      this.deps.tasks.list({ instanceId, limit: 500 }),
      this.deps.outbox.listForInstance(instanceId),
    ]);
    if (!hasRole(actor, 'supervisor') && !isInvolved(head, tasks, actor)) {
      throw new AppError('FORBIDDEN', `instance <${instanceId}> is not visible to you`);
    }
    const calls = await calledTickets(this.deps.store, head.calls);
    return { instance: { ...instance, ...(calls ? { calls } : {}) }, events, tasks, messages };
  }

  /** Lists instances, newest first. */
  list(filter: { procedureId?: string; status?: string; limit?: number }, actor: Actor) {
    requireAnyRole(actor, ['supervisor']);
    return this.deps.store.listInstances({ ...filter, limit: Math.min(filter.limit ?? 100, 500) });
  }

  /**
   * Runs the step an incident stopped again, from the last good engine state, as a new
   * audited step of the supervisor (`instance.retried`). Stopped again: a new incident.
   */
  async retry(instanceId: string, actor: Actor): Promise<InstanceRecord> {
    requireAnyRole(actor, ['supervisor']);
    return this.deps.log.exclusive(instanceId, async () => {
      const previous = await this.deps.log.load(instanceId);
      if (previous.status !== 'incident') {
        throw new AppError(
          'INSTANCE_NOT_RUNNING',
          `instance <${instanceId}> is ${previous.status}, not in incident`,
        );
      }
      const failed = lastIncident(await this.deps.store.listEvents(instanceId), instanceId);
      const transition = await retryTransition(this.deps, previous, failed, actor, this.deps.clock.now());
      return (await this.deps.log.commit(transition)).head;
    });
  }

  /** Cancels a running instance or one in incident: its open tasks are cancelled and its timers dropped. */
  async cancel(instanceId: string, reason: string, actor: Actor): Promise<InstanceRecord> {
    requireAnyRole(actor, ['supervisor']);
    return this.deps.log.exclusive(instanceId, async () => {
      const previous = await this.deps.log.load(instanceId);
      if (previous.status !== 'running' && previous.status !== 'incident') {
        throw new AppError('INSTANCE_NOT_RUNNING', `instance <${instanceId}> is ${previous.status}`);
      }
      const definition = await this.deps.definitions.byId(previous.definitionId);
      const outcome = cancelledOutcome(previous);
      const step = {
        previous,
        catalog: definition.catalog,
        actor,
        now: this.deps.clock.now(),
        type: 'instance.cancelled',
      };
      const transition = buildTransition({ ...step, data: { reason } }, outcome);
      return (await this.deps.log.commit(transition)).head;
    });
  }
}

/**
 * The tickets this one called, with the ticket numbers of those still running (looked up by `_id`;
 * ended ones carry theirs) and their current state (docs/adr/0019).
 */
async function calledTickets(
  store: InstanceStore,
  calls: InstanceRecord['calls'],
): Promise<InstanceRecord['calls']> {
  if (!calls?.length) return calls;
  return Promise.all(
    calls.map(async (link) => {
      if (link.businessKey) return link;
      const called = await store.loadSummary(link.instanceId);
      return called ? { ...link, businessKey: called.businessKey } : link;
    }),
  );
}

function isInvolved(head: InstanceRecord, tasks: readonly TaskRecord[], actor: Actor): boolean {
  return (
    head.startedBy === actor.id ||
    tasks.some(
      (task) =>
        task.assignee === actor.id ||
        task.completedBy === actor.id ||
        // A task without candidate groups is offered to every agent (as TaskService has it).
        task.candidateGroups.length === 0 ||
        task.candidateGroups.some((group) => actor.groups.includes(group)),
    )
  );
}
