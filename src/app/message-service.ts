import type { Actor } from '../domain/actor.js';
import type { Clock } from '../domain/clock.js';
import { AppError, isAppError } from '../domain/errors.js';
import { isOpenStatus, type AwaitedEvent, type InstanceRecord } from '../domain/instance.js';
import { requireAnyRole } from './authorization.js';
import { buildTransition } from './build-transition.js';
import type { DefinitionsService } from './definitions-service.js';
import type { InstanceLog } from './instance-log.js';
import { startByMessage, type MessageStartDeps } from './message-start.js';
import type { MessageInput } from './message-input.js';
import type { ProcedureEngine } from './procedure-engine.js';
import type { TicketNumbers } from './ports.js';

/** Audit types of a delivered message and signal. */
export const MESSAGE_EVENT = 'message.received';
export const SIGNAL_EVENT = 'signal.received';

/** Where the service finds waiting instances (ADR 0018). */
export interface AwaitingLookup {
  /**
   * Open instances awaiting the message or signal as this process's open-work model has them
   * (it may lag other processes by ~30 s): candidates only, each is re-read by `_id`.
   */
  candidates(kind: AwaitedEvent['kind'], name: string, limit: number): Promise<InstanceRecord[]>;
  /** The instance holding this ticket number, or undefined. */
  instanceIdOf(businessKey: string): Promise<string | undefined>;
}

/** Collaborators of the message use cases. */
export interface MessageServiceDeps extends MessageStartDeps {
  readonly definitions: DefinitionsService;
  readonly engine: ProcedureEngine;
  readonly log: InstanceLog;
  readonly clock: Clock;
  readonly lookup: AwaitingLookup;
  readonly ticketNumbers: TicketNumbers;
  /** Most instances one signal reaches (default 500). */
  readonly maxBroadcast?: number;
}

/** What `correlate` did: delivered to a waiting instance, or started a procedure by message. */
export interface CorrelationResult {
  readonly result: 'delivered' | 'started';
  readonly instance: InstanceRecord;
}

/** One instance a signal reached, or why it did not. */
export interface SignalReceipt {
  readonly instanceId: string;
  readonly businessKey: string;
  readonly error?: string;
}

/**
 * Delivers messages and signals to waiting instances (ADR 0018). Each delivery is one committed
 * step (`message.received` / `signal.received`); a catch that already completed answers 409
 * MESSAGE_NOT_AWAITED. Agents and supervisors use it over HTTP; the app's own actors (requester
 * portal, email replies) call it directly.
 */
export class MessageService {
  constructor(private readonly deps: MessageServiceDeps) {}

  /** Delivers a message to one instance. With a key, a retry that already committed answers the head. */
  async deliver(
    instanceId: string,
    input: MessageInput,
    actor: Actor,
    key?: string,
  ): Promise<InstanceRecord> {
    requireAnyRole(actor, ['agent', 'supervisor']);
    try {
      return await this.deliverOnce(instanceId, 'message', input, actor, key);
    } catch (error) {
      const replay =
        key && isAppError(error) ? await this.replayed(instanceId, error, actor, key) : undefined;
      if (replay) return replay;
      throw error;
    }
  }

  /**
   * The app's own requester-side callers only (tracking page, email replies; issue 11): delivers a
   * message for a requester actor (`requester:<email>`, no role) to an instance the caller has
   * already authorised by a link or a mail thread. Not reachable over the API.
   */
  async deliverForRequester(
    instanceId: string,
    input: MessageInput,
    actor: Actor,
    key?: string,
  ): Promise<InstanceRecord> {
    if (!actor.id.startsWith('requester:') || actor.roles.length > 0)
      throw new AppError('FORBIDDEN', `actor <${actor.id}> is not a requester`);
    return this.deliverOnce(instanceId, 'message', input, actor, key);
  }

  /**
   * Finds the instance awaiting the message by business key or correlation variable (one of them
   * at least, unless the message starts a procedure) and delivers it; with none waiting, a
   * procedure whose message start event names it is started.
   */
  async correlate(input: MessageInput, actor: Actor, key?: string): Promise<CorrelationResult> {
    requireAnyRole(actor, ['agent', 'supervisor']);
    const started = key ? await startByMessage(this.deps, input, actor, key, true) : undefined;
    if (started) return { result: 'started', instance: started };
    const target = await this.findTarget(input);
    if (target) return { result: 'delivered', instance: await this.deliver(target, input, actor, key) };
    const instance = await startByMessage(this.deps, input, actor, key, false);
    if (instance) return { result: 'started', instance };
    const by = input.businessKey ? ` with business key <${input.businessKey}>` : '';
    throw new AppError('MESSAGE_NOT_AWAITED', `no instance${by} awaits message <${input.name}>`, [
      {
        path: 'name',
        reason: 'not-awaited',
        message: `nothing awaits or starts with message <${input.name}>`,
      },
    ]);
  }

  /**
   * Broadcasts a signal to every instance awaiting it: candidates from the open-work model,
   * each re-read by `_id` and delivered in its own step. Instances that stopped waiting
   * meanwhile (or lost a race) are listed with the reason, never failed as a whole.
   */
  async broadcast(input: MessageInput, actor: Actor, key?: string): Promise<SignalReceipt[]> {
    requireAnyRole(actor, ['agent', 'supervisor']);
    const limit = this.deps.maxBroadcast ?? 500;
    const candidates = await this.deps.lookup.candidates('signal', input.name, limit);
    const receipts: SignalReceipt[] = [];
    for (const candidate of candidates) {
      try {
        const head = await this.deliverOnce(candidate.id, 'signal', input, actor, key);
        receipts.push({ instanceId: head.id, businessKey: head.businessKey });
      } catch (error) {
        if (!isAppError(error)) throw error;
        receipts.push({ instanceId: candidate.id, businessKey: candidate.businessKey, error: error.code });
      }
    }
    return receipts;
  }

  private async findTarget(input: MessageInput): Promise<string | undefined> {
    if (input.businessKey) {
      const id = await this.deps.lookup.instanceIdOf(input.businessKey);
      if (!id) throw new AppError('INSTANCE_NOT_FOUND', `no ticket <${input.businessKey}>`);
      if (input.correlation) {
        const head = await this.deps.log.load(id);
        if (!correlates(head, input)) {
          throw new AppError(
            'MESSAGE_NOT_AWAITED',
            `ticket <${input.businessKey}> does not match the correlation`,
          );
        }
      }
      return id;
    }
    if (!input.correlation) return undefined;
    const matches: string[] = [];
    for (const candidate of await this.deps.lookup.candidates('message', input.name, 1000)) {
      if (!correlates(candidate, input)) continue;
      const head = await this.deps.log.load(candidate.id); // the model may lag: the head decides
      if (correlates(head, input) && awaited(head, 'message', input.name).length) matches.push(head.id);
    }
    if (matches.length > 1) {
      throw new AppError('CONFLICT', `message <${input.name}> correlates with ${matches.length} instances`);
    }
    return matches[0];
  }

  private deliverOnce(
    instanceId: string,
    kind: AwaitedEvent['kind'],
    input: MessageInput,
    actor: Actor,
    key: string | undefined,
  ): Promise<InstanceRecord> {
    return this.deps.log.exclusive(instanceId, async () => {
      const previous = await this.deps.log.load(instanceId);
      const targets = awaited(previous, kind, input.name);
      if (previous.status === 'incident' || !isOpenStatus(previous.status)) {
        throw new AppError('INSTANCE_NOT_RUNNING', `instance <${instanceId}> is ${previous.status}`);
      }
      if (!targets.length) {
        throw new AppError(
          'MESSAGE_NOT_AWAITED',
          `ticket <${previous.businessKey}> does not await ${kind} <${input.name}>`,
          [{ path: 'name', reason: 'not-awaited', message: `no catch waits for ${kind} <${input.name}>` }],
        );
      }
      // A message goes to one catch (the first awaiting it); a signal to every catch.
      const chosen = kind === 'message' ? targets.slice(0, 1) : targets;
      const action = {
        kind: 'deliver' as const,
        event: kind,
        name: input.name,
        targets: chosen,
        variables: input.variables,
      };
      const definition = await this.deps.definitions.byId(previous.definitionId);
      const outcome = await this.deps.engine.resume(definition, previous.engineState, action);
      const data = {
        name: input.name,
        activityIds: chosen.map((t) => t.activityId),
        targets: chosen,
        variables: input.variables,
        ...(key ? { idempotencyKey: key } : {}),
      };
      const type = kind === 'message' ? MESSAGE_EVENT : SIGNAL_EVENT;
      const step = { previous, catalog: definition.catalog, actor, now: this.deps.clock.now(), type, data };
      return (await this.deps.log.commit(buildTransition(step, outcome))).head;
    });
  }

  /** The head, when this actor already delivered a message to the instance with this key. */
  private async replayed(
    instanceId: string,
    error: AppError,
    actor: Actor,
    key: string,
  ): Promise<InstanceRecord | undefined> {
    if (error.code !== 'MESSAGE_NOT_AWAITED' && error.code !== 'CONFLICT') return undefined;
    const head = await this.deps.log.load(instanceId);
    const event = await this.deps.log.findEvent(
      head,
      (e) => e.type === MESSAGE_EVENT && e.actor === actor.id && e.data.idempotencyKey === key,
    );
    return event ? head : undefined;
  }
}

/** The catches of the head awaiting this message or signal. */
export function awaited(head: InstanceRecord, kind: AwaitedEvent['kind'], name: string): AwaitedEvent[] {
  return (head.awaiting ?? []).filter((entry) => entry.kind === kind && entry.name === name);
}

function correlates(head: InstanceRecord, input: MessageInput): boolean {
  const correlation = input.correlation;
  if (correlation && head.variables[correlation.variable] !== correlation.value) return false;
  return !input.businessKey || head.businessKey === input.businessKey;
}
