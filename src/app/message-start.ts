import { randomUUID } from 'node:crypto';
import type { Actor } from '../domain/actor.js';
import type { Clock } from '../domain/clock.js';
import { AppError, isAppError } from '../domain/errors.js';
import { unstartedInstance, type InstanceRecord } from '../domain/instance.js';
import type { ProcedureVersion } from '../domain/procedure.js';
import { buildTransition } from './build-transition.js';
import type { DefinitionsService } from './definitions-service.js';
import { instanceIdForKey } from './idempotency.js';
import type { InstanceLog } from './instance-log.js';
import type { StartHooks } from './instance-service.js';
import type { MessageInput } from './message-input.js';
import type { ProcedureEngine, RunOutcome } from './procedure-engine.js';
import type { TicketNumbers } from './ports.js';

/** What starting a procedure by message needs. */
export interface MessageStartDeps {
  readonly definitions: DefinitionsService;
  readonly engine: ProcedureEngine;
  readonly log: InstanceLog;
  readonly clock: Clock;
  readonly ticketNumbers: TicketNumbers;
  /** The same start hooks as form starts (out-of-hours, requester directory; docs/adr/0030). */
  readonly startHooks?: StartHooks;
}

/**
 * Starts the procedure whose message start event names the message (ADR 0018): a new ticket
 * whose variables are the message's, run to its first wait past that start event. Undefined
 * when no current procedure starts with this message. With an idempotency key the instance id
 * derives from (user, key), so a retry answers the ticket the first attempt opened;
 * `replayOnly` answers only that (undefined when it never committed).
 */
export async function startByMessage(
  deps: MessageStartDeps,
  input: MessageInput,
  actor: Actor,
  key: string | undefined,
  replayOnly: boolean,
): Promise<InstanceRecord | undefined> {
  const id = key ? instanceIdForKey(actor.id, `message:${key}`) : randomUUID();
  if (key) {
    const replay = await startedBefore(deps, id);
    if (replay || replayOnly) return replay;
  }
  const procedure = await procedureStartedBy(deps, input.name);
  if (!procedure) return undefined;
  try {
    return await open(deps, procedure, id, input, actor, key);
  } catch (error) {
    const winner =
      key && isAppError(error) && error.code === 'CONFLICT' ? await startedBefore(deps, id) : undefined;
    if (winner) return winner;
    throw error;
  }
}

async function startedBefore(deps: MessageStartDeps, id: string): Promise<InstanceRecord | undefined> {
  const first = await deps.log.step(id, 1);
  if (!first) return undefined;
  await deps.log.load(id).catch(() => undefined); // roll its projections forward
  return first.head;
}

/** The one current procedure a message starts; CONFLICT when several do or it has a plain start too. */
async function procedureStartedBy(
  deps: MessageStartDeps,
  name: string,
): Promise<ProcedureVersion | undefined> {
  const procedures = (await deps.definitions.list()).filter((p) =>
    (p.catalog.messageStarts ?? []).some((start) => start.name === name),
  );
  const [procedure] = procedures;
  if (procedures.length > 1) {
    const ids = procedures.map((p) => p.procedureId).join(', ');
    throw new AppError('CONFLICT', `message <${name}> starts several procedures (${ids})`);
  }
  if (procedure?.catalog.plainStart) {
    throw new AppError(
      'CONFLICT',
      `procedure <${procedure.procedureId}> has a plain start event too: message <${name}> cannot start it alone`,
    );
  }
  // The list may leave the XML out: the engine needs the stored version itself.
  return procedure && deps.definitions.byId(procedure.id);
}

async function open(
  deps: MessageStartDeps,
  procedure: ProcedureVersion,
  id: string,
  input: MessageInput,
  actor: Actor,
  key: string | undefined,
): Promise<InstanceRecord> {
  const { catalog } = procedure;
  const now = deps.clock.now();
  const hooks = deps.startHooks;
  const given = hooks ? hooks.input(catalog, input.variables) : input.variables;
  const prepared = hooks ? await hooks.prepare(catalog, recordOf(given), now) : undefined;
  const variables = prepared?.variables ?? input.variables;
  const businessKey = await deps.ticketNumbers.next(catalog.ticketPrefix, now.getUTCFullYear(), id);
  const outcome = await runToStart(deps.engine, procedure, { ...input, variables }, businessKey);
  const previous = unstartedInstance({
    id,
    procedureId: procedure.procedureId,
    definitionId: procedure.id,
    businessKey,
    engineVersion: deps.engine.version,
    startedAt: now,
    startedBy: actor.id,
  });
  const data = {
    definitionId: procedure.id,
    businessKey,
    variables,
    message: input.name,
    ...(key ? { idempotencyKey: key } : {}),
  };
  const step = { previous, catalog, actor, now, type: 'instance.started', data };
  const built = buildTransition(step, outcome);
  const extra = prepared?.outbox({ instanceId: id, businessKey, seq: built.event.seq }) ?? [];
  const transition = extra.length
    ? { ...built, effects: { ...built.effects, outbox: [...extra, ...built.effects.outbox] } }
    : built;
  const { head } = await deps.log.commit(transition);
  await prepared?.opened(head, actor);
  return head;
}

function recordOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** Starts the engine (the message start event waits) and delivers the message to that start event. */
async function runToStart(
  engine: ProcedureEngine,
  procedure: ProcedureVersion,
  input: MessageInput,
  businessKey: string,
): Promise<RunOutcome> {
  const started = await engine.start(procedure, { ...input.variables, ticketNumber: businessKey });
  const startEventId = procedure.catalog.messageStarts?.find((s) => s.name === input.name)?.startEventId;
  const target = started.awaiting?.find((a) => a.activityId === startEventId && a.kind === 'message');
  if (started.status !== 'running' || !target) return started;
  const action = {
    kind: 'deliver' as const,
    event: 'message' as const,
    name: input.name,
    targets: [target],
    variables: {},
  };
  return engine.resume(procedure, started.engineState, action);
}
