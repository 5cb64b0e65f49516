import { randomUUID } from 'node:crypto';
import { hasRole, type Actor } from '../domain/actor.js';
import { candidateGroupsOf } from '../domain/sla/camunda-task.js';
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
import type { ProcedureCatalog } from '../domain/procedure.js';
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
  /** Out-of-hours facts and the requester directory at ticket start (docs/adr/0030); absent: none. */
  readonly startHooks?: StartHooks;
}

/** What happens around a ticket start besides the engine (docs/adr/0030). */
export interface StartHooks {
  /** The submitted data before validation (computed fields such as `receivedOutsideHours` dropped). */
  input(catalog: ProcedureCatalog, input: unknown): unknown;
  /** The validated start variables completed, and the opening step's extra outbox messages. */
  prepare(
    catalog: ProcedureCatalog,
    variables: Record<string, unknown>,
    now: Date,
  ): Promise<{
    readonly variables: Record<string, unknown>;
    readonly outbox: (ticket: { instanceId: string; businessKey: string; seq: number }) => OutboxMessage[];
    /** After the opening step committed: best effort (the hook logs its own failures, never throws). */
    readonly opened: (head: InstanceRecord, actor: Actor) => Promise<void>;
  }>;
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
    return this.startOnce(procedureId, actor, options.idempotencyKey, (id) =>
      this.open(id, procedureId, input, actor),
    );
  }

  /**
   * Opens a ticket from the public portal (docs/adr/0026) for a requester whose address the caller
   * has verified: the one start without the agent role, so it is narrow. The actor must be a
   * requester (`requester:<email>`, no roles); the procedure must declare `portalForm`, whose form
   * validates the data (the same validator and rules as agents'); `channel: 'portal'`,
   * `capturedByRequester: true` and `receivedAt` are set here. The key (required) makes a repeated
   * confirmation answer the first ticket.
   */
  async startFromPortal(
    procedureId: string,
    input: unknown,
    requester: Actor,
    options: { readonly idempotencyKey: string; readonly requesterLanguage?: string },
  ): Promise<InstanceRecord> {
    if (!requester.id.startsWith('requester:') || requester.roles.length > 0) {
      throw new AppError('FORBIDDEN', `portal starts are for requesters, not <${requester.id}>`);
    }
    // The portal page's language (es/it/en): links and requester pages follow it (issue 11).
    const language = options.requesterLanguage?.slice(0, 5);
    const extra = language ? { requesterLanguage: language } : {};
    return this.startOnce(procedureId, requester, options.idempotencyKey, (id) =>
      this.open(id, procedureId, input, requester, 'portal', extra),
    );
  }

  /** Runs `open` once per (actor, key): a replay or a lost race answers the first committed start. */
  private async startOnce(
    procedureId: string,
    actor: Actor,
    key: string | undefined,
    open: (id: string) => Promise<InstanceRecord>,
  ): Promise<InstanceRecord> {
    const id = key ? instanceIdForKey(actor.id, key) : randomUUID();
    const replayed = key ? await this.startedBefore(id, procedureId) : undefined;
    if (replayed) return replayed;
    try {
      return await open(id);
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

  private async open(
    id: string,
    procedureId: string,
    input: unknown,
    actor: Actor,
    entry: 'desk' | 'portal' = 'desk',
    portalVariables: Record<string, unknown> = {},
  ): Promise<InstanceRecord> {
    const definition = await this.deps.definitions.current(procedureId);
    const { catalog } = definition;
    const portal = entry === 'portal';
    if (portal && !catalog.portalForm) {
      throw new AppError(
        'PROCEDURE_NOT_FOUND',
        `procedure <${procedureId}> is not on the portal (no portalForm)`,
      );
    }
    const formKey = portal ? catalog.portalForm : catalog.startFormKey;
    const noForm = `procedure <${procedureId}> has no start form`;
    const hooks = this.deps.startHooks;
    const submitted = hooks ? hooks.input(catalog, input) : input;
    const pins = definition.formVersions;
    const accepted = await acceptFormData(this.deps.forms, formKey, submitted, noForm, actor.id, pins);
    const now = this.deps.clock.now();
    // A portal start: the requester captured the data themselves (cita steps 2–3) on the portal form.
    const desk = {
      channel: 'portal',
      capturedByRequester: true,
      receivedAt: now.toISOString(),
      ...portalVariables,
    };
    const entered = portal ? { ...accepted, ...desk } : accepted;
    const prepared = hooks ? await hooks.prepare(catalog, entered, now) : undefined;
    const variables = prepared?.variables ?? entered;
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
    const built = buildTransition({ previous, catalog, actor, now, type: 'instance.started', data }, outcome);
    const extra = prepared?.outbox({ instanceId: id, businessKey, seq: built.event.seq }) ?? [];
    const transition = extra.length
      ? { ...built, effects: { ...built.effects, outbox: [...extra, ...built.effects.outbox] } }
      : built;
    const { head } = await this.deps.log.commit(transition);
    await prepared?.opened(head, actor);
    return head;
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
        task.candidateGroups.some((group) => candidateGroupsOf(actor).includes(group)),
    )
  );
}
