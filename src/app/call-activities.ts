import type { Actor } from '../domain/actor.js';
import { mapVariables, type CallLink, type StartCall } from '../domain/call.js';
import type { Clock } from '../domain/clock.js';
import { isAppError } from '../domain/errors.js';
import { isOpenStatus, unstartedInstance, type InstanceRecord } from '../domain/instance.js';
import type { ProcedureVersion } from '../domain/procedure.js';
import { buildTransition, cancelledOutcome, incidentTransition } from './build-transition.js';
import type { DefinitionsService } from './definitions-service.js';
import type { CallEffectHandler, InstanceLog, InstanceLogLogger } from './instance-log.js';
import type { StartHooks } from './instance-service.js';
import type { TicketNumbers, Transition } from './ports.js';
import type { ProcedureEngine, RunOutcome } from './procedure-engine.js';
import { isRecord } from '../domain/forms/data-path.js';

/** A called ticket's opening step and the start hooks' work once it stands. */
interface HookedStart {
  readonly transition: Transition;
  readonly opened?: (head: InstanceRecord, actor: Actor) => Promise<void>;
}

/** Audit type of the step that resumes a caller after its called ticket completed. */
export const CALL_COMPLETED_EVENT = 'call.completed';
/** Audit type (as the incident's failed step) of a call whose ticket was cancelled, failed or could not start. */
export const CALL_FAILED_EVENT = 'call.failed';

/** How often a cross-instance step is tried again after losing a race (CONFLICT). */
const MAX_CONFLICTS = 5;

/** Collaborators of the call-activity effects. */
export interface CallActivitiesDeps {
  readonly log: InstanceLog;
  readonly definitions: DefinitionsService;
  readonly engine: ProcedureEngine;
  readonly ticketNumbers: TicketNumbers;
  readonly clock: Clock;
  readonly logger?: InstanceLogLogger;
  /** The start hooks every ticket start runs (out-of-hours, requester directory; docs/adr/0030). */
  readonly startHooks?: StartHooks;
}

/**
 * Applies what a committed step does to other tickets through call activities (ADR 0019):
 * opens called tickets, cancels them, and resumes the caller when one ends. Every action is
 * idempotent (deterministic ids, a stale check before each step) and commits through the log's
 * unique step index, so a crashed writer, a later load and the reconciler may all apply it.
 * These steps take no in-process lock (a caller and its called ticket would wait on each other);
 * a lost race (CONFLICT) is re-read and tried again.
 */
export class CallActivities implements CallEffectHandler {
  constructor(private readonly deps: CallActivitiesDeps) {}

  async apply(transition: Transition): Promise<void> {
    const calls = transition.effects.calls;
    if (!calls) return;
    for (const request of calls.start ?? []) await this.startCalled(request);
    for (const instanceId of calls.cancel ?? []) await this.cancelCalled(instanceId, transition);
    if (calls.returnToCaller) await this.returnToCaller(transition);
  }

  /** Opens the called ticket unless its first step exists (the unique step 1 guards a double start). */
  private async startCalled(request: StartCall): Promise<void> {
    const { log } = this.deps;
    if (await log.step(request.instanceId, 1)) return;
    // Stale when the caller has moved on (e.g. was cancelled) before this effect was applied.
    const caller = await log.rollForward(request.calledBy.instanceId);
    if (!caller || !runningLink(caller, request.instanceId)) return;
    let start: HookedStart;
    try {
      start = await this.withStartHooks(request);
    } catch (error) {
      if (!isAppError(error) || error.code === 'DATABASE_UNAVAILABLE') throw error;
      const reason = `call activity <${request.calledBy.activityId}>: cannot start <${request.procedureId}>: ${error.message}`;
      await this.failCall(request.calledBy.instanceId, request.instanceId, 'failed', reason);
      return;
    }
    try {
      const { head } = await log.commit(start.transition);
      await start.opened?.(head, actorNamed(request.actor));
    } catch (error) {
      // Another writer (a load, the reconciler, another process) opened it first.
      if (!(isAppError(error) && error.code === 'CONFLICT')) throw error;
    }
  }

  /**
   * The opening step with what the start hooks add (computed start variables, a courtesy reply),
   * and what they do once it commits.
   */
  private async withStartHooks(request: StartCall): Promise<HookedStart> {
    const hooks = this.deps.startHooks;
    if (!hooks) return { transition: await this.openingStep(request) };
    const definition = await this.calledVersion(request);
    const now = this.deps.clock.now();
    const given = hooks.input(definition.catalog, request.variables);
    const variables = isRecord(given) ? given : request.variables;
    const prepared = await hooks.prepare(definition.catalog, variables, now);
    const built = await this.openingStep({ ...request, variables: prepared.variables }, definition, now);
    const extra = prepared.outbox({
      instanceId: request.instanceId,
      businessKey: built.head.businessKey,
      seq: built.event.seq,
    });
    const transition = extra.length
      ? { ...built, effects: { ...built.effects, outbox: [...extra, ...built.effects.outbox] } }
      : built;
    return { transition, opened: prepared.opened };
  }

  private async openingStep(request: StartCall, called?: ProcedureVersion, at?: Date): Promise<Transition> {
    const { engine, ticketNumbers, clock } = this.deps;
    const definition = called ?? (await this.calledVersion(request));
    const { catalog } = definition;
    const now = at ?? clock.now();
    const businessKey = await ticketNumbers.next(
      catalog.ticketPrefix,
      now.getUTCFullYear(),
      request.instanceId,
    );
    const outcome = await engine.start(definition, { ...request.variables, ticketNumber: businessKey });
    const previous: InstanceRecord = {
      ...unstartedInstance({
        id: request.instanceId,
        procedureId: definition.procedureId,
        definitionId: definition.id,
        businessKey,
        engineVersion: engine.version,
        startedAt: now,
        startedBy: request.actor,
      }),
      calledBy: request.calledBy,
    };
    const data = {
      definitionId: definition.id,
      businessKey,
      variables: request.variables,
      calledBy: request.calledBy,
    };
    const step = { previous, catalog, actor: actorNamed(request.actor), now, type: 'instance.started', data };
    return buildTransition(step, outcome);
  }

  private calledVersion(request: StartCall): Promise<ProcedureVersion> {
    const { definitions } = this.deps;
    return request.version
      ? definitions.byId(`${request.procedureId}@${request.version}`)
      : definitions.current(request.procedureId);
  }

  /** Cancels a called ticket still open (its caller ended or left the call activity). */
  private async cancelCalled(instanceId: string, cause: Transition): Promise<void> {
    const reason = `cancelled with its calling ticket <${cause.head.businessKey}> (${cause.event.type})`;
    await this.retryingConflicts(async () => {
      const previous = await this.deps.log.rollForward(instanceId);
      if (!previous || !isOpenStatus(previous.status)) return;
      const definition = await this.deps.definitions.byId(previous.definitionId);
      const step = {
        previous,
        catalog: definition.catalog,
        actor: actorNamed(cause.event.actor),
        now: this.deps.clock.now(),
        type: 'instance.cancelled',
        data: { reason, by: cause.head.id },
      };
      await this.deps.log.commit(buildTransition(step, cancelledOutcome(previous)));
    });
  }

  /** The called ticket ended: its caller resumes (completed) or gets an incident (cancelled, failed). */
  private async returnToCaller(ended: Transition): Promise<void> {
    const { head } = ended;
    const caller = head.calledBy;
    if (!caller) return;
    if (head.status !== 'completed') {
      const reason = `call activity <${caller.activityId}>: called ticket <${head.businessKey}> was ${head.status}`;
      await this.failCall(
        caller.instanceId,
        head.id,
        head.status === 'cancelled' ? 'cancelled' : 'failed',
        reason,
      );
      return;
    }
    await this.retryingConflicts(async () => {
      const previous = await this.deps.log.rollForward(caller.instanceId);
      const link = previous && runningLink(previous, head.id);
      if (!previous || !link) return; // stale: already resumed, cancelled or moved on
      const definition = await this.deps.definitions.byId(previous.definitionId);
      const spec = definition.catalog.callActivities?.[link.activityId];
      const variables = mapVariables(spec?.outputs ?? [], head.variables);
      const action = {
        kind: 'complete-call' as const,
        activityId: link.activityId,
        executionId: link.executionId,
        variables,
      };
      let outcome: RunOutcome;
      try {
        outcome = await this.deps.engine.resume(definition, previous.engineState, action);
      } catch (error) {
        if (!isAppError(error)) throw error;
        const reason = `call activity <${link.activityId}>: ${error.message}`;
        await this.commitFailure(previous, link, 'failed', reason);
        return;
      }
      const step = {
        previous,
        catalog: definition.catalog,
        actor: actorNamed(ended.event.actor),
        now: this.deps.clock.now(),
        type: CALL_COMPLETED_EVENT,
        data: {
          activityId: link.activityId,
          executionId: link.executionId,
          instanceId: head.id,
          businessKey: head.businessKey,
          variables,
        },
        completedCall: { executionId: link.executionId, businessKey: head.businessKey },
      };
      await this.deps.log.commit(buildTransition(step, outcome));
    });
  }

  /**
   * The caller gets an incident naming the call activity; its call activity keeps waiting. A
   * supervisor cancels the caller, or retries: the call activity then opens a new ticket.
   */
  private async failCall(
    callerId: string,
    calledId: string,
    status: CallLink['status'],
    reason: string,
  ): Promise<void> {
    await this.retryingConflicts(async () => {
      const previous = await this.deps.log.rollForward(callerId);
      const link = previous && runningLink(previous, calledId);
      if (previous && link) await this.commitFailure(previous, link, status, reason);
    });
  }

  private async commitFailure(
    previous: InstanceRecord,
    link: CallLink,
    status: CallLink['status'],
    reason: string,
  ): Promise<void> {
    const definition = await this.deps.definitions.byId(previous.definitionId);
    const step = {
      previous,
      catalog: definition.catalog,
      actor: actorNamed('system:call'),
      now: this.deps.clock.now(),
      type: CALL_FAILED_EVENT,
      data: {
        activityId: link.activityId,
        executionId: link.executionId,
        instanceId: link.instanceId,
        status,
      },
    };
    const incident = { activityId: link.activityId, reason };
    const transition = incidentTransition(step, {
      ...cancelledOutcome(previous),
      status: 'incident',
      incident,
    });
    const calls = (previous.calls ?? []).map((c) =>
      c.instanceId === link.instanceId ? { ...c, status } : c,
    );
    await this.deps.log.commit({ ...transition, head: { ...transition.head, calls } });
  }

  private async retryingConflicts(work: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        const conflict = isAppError(error) && error.code === 'CONFLICT';
        if (!conflict || attempt >= MAX_CONFLICTS) throw error;
        this.deps.logger?.warn({ err: error, attempt }, 'call activity step lost a race; trying again');
      }
    }
  }
}

/** The caller's running link to the called ticket, if the caller is still open and waiting on it. */
function runningLink(caller: InstanceRecord, calledId: string): CallLink | undefined {
  if (!isOpenStatus(caller.status)) return undefined;
  return caller.calls?.find((link) => link.instanceId === calledId && link.status === 'running');
}

/** The audit actor of a step taken on behalf of another ticket's step (only its id is recorded). */
function actorNamed(id: string): Actor {
  return { id, roles: [], groups: [] };
}
