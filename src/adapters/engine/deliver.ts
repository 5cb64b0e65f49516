import { AppError } from '../../domain/errors.js';
import type { AwaitedEvent, DeliverAction } from '../../app/procedure-engine.js';
import { allPostponed, type PostponedApi } from './postponed.js';

/** What the runner needs of a recovered bpmn-engine execution. */
export interface ExecutionLike {
  getPostponed(): unknown[];
  readonly definitions: readonly unknown[];
}

interface EventDefinitionLike {
  readonly reference?: { readonly id?: string; readonly name?: string; readonly referenceType?: string };
}

interface ActivityLike {
  readonly id: string;
  readonly type?: string;
  readonly triggeredByEvent?: boolean;
  readonly parent?: { readonly id?: string };
  readonly behaviour?: { readonly isInterrupting?: boolean };
  readonly eventDefinitions?: readonly EventDefinitionLike[];
  getStartActivities?(filter?: unknown): ActivityLike[];
  run(message?: unknown): void;
}

interface ProcessLike {
  readonly id: string;
  getActivities(): ActivityLike[];
}

interface DefinitionLike {
  getRunningProcesses(): ProcessLike[];
}

/**
 * Delivers a message or signal to the catches it targets (ADR 0018). A catch is reached through
 * its own postponed api (a signal to that execution id), never by a broadcast inside the engine,
 * so exactly the awaited catches complete. The start event of an event sub-process starts its
 * sub-process first (bpmn-elements only starts them for events thrown inside the process). A
 * message target that is gone is MESSAGE_NOT_AWAITED; a signal skips it (an earlier target of the
 * same broadcast may have ended it).
 */
export function deliver(execution: ExecutionLike, action: DeliverAction): void {
  for (const target of action.targets) {
    const delivered = target.eventSubProcess
      ? triggerEventSubProcess(execution, target)
      : signalCatch(execution, target);
    if (!delivered && action.event === 'message') {
      throw new AppError(
        'MESSAGE_NOT_AWAITED',
        `message <${action.name}> is no longer awaited by <${target.activityId}>`,
        [{ path: 'name', reason: 'not-awaited', message: `no catch waits for message <${action.name}>` }],
      );
    }
  }
  // A start event that caught its message: the process's other event starts no longer wait.
  discardIdleStarts(execution);
}

function signalCatch(execution: ExecutionLike, target: AwaitedEvent): boolean {
  const api = findPostponed(execution, (a) => a.executionId === target.executionId);
  if (!api) return false;
  api.signal({ id: target.refId });
  return true;
}

/**
 * Runs the event sub-process and signals its start event. An interrupting start (the BPMN
 * default) then discards everything else running in the process, which bpmn-elements does not.
 */
function triggerEventSubProcess(execution: ExecutionLike, target: AwaitedEvent): boolean {
  const bp = runningProcesses(execution).find((p) =>
    p.getActivities().some((a) => a.id === target.eventSubProcess),
  );
  const sub = bp?.getActivities().find((a) => a.id === target.eventSubProcess && a.triggeredByEvent);
  const start = sub?.getStartActivities?.().find((a) => a.id === target.activityId);
  if (!bp || !sub || !start) return false;
  // Activities only: the engine also lists sequence flows (no execution id) among the postponed.
  const others = (execution.getPostponed() as PostponedApi[]).filter(
    (api) => api.executionId && !isEventSubProcess(bp, api.id),
  );
  sub.run({ id: target.refId });
  const api = findPostponed(execution, (a) => a.id === target.activityId);
  if (!api) return false;
  api.signal({ id: target.refId });
  if (start.behaviour?.isInterrupting !== false) for (const other of others) other.discard();
  return true;
}

/**
 * The message and signal starts of the event sub-processes of each running process that are
 * not running themselves: the instance awaits them while it runs (their timer starts are armed
 * by esp-timers.ts).
 */
export function eventSubProcessStarts(execution: ExecutionLike): AwaitedEvent[] {
  const running = new Set(allPostponed(execution.getPostponed()).map((api) => api.id));
  return runningProcesses(execution).flatMap((bp) =>
    bp
      .getActivities()
      .filter((a) => a.triggeredByEvent && a.parent?.id === bp.id && !running.has(a.id))
      .flatMap((sub) => (sub.getStartActivities?.() ?? []).flatMap((start) => startsOf(sub, start))),
  );
}

function startsOf(sub: ActivityLike, start: ActivityLike): AwaitedEvent[] {
  return (start.eventDefinitions ?? []).flatMap(({ reference }) => {
    const kind = reference?.referenceType;
    if (!reference?.id || (kind !== 'message' && kind !== 'signal')) return [];
    const name = reference.name && reference.name !== 'anonymous' ? reference.name : reference.id;
    return [
      {
        kind,
        name,
        refId: reference.id,
        activityId: start.id,
        executionId: `${sub.id}:${start.id}`,
        eventSubProcess: sub.id,
      },
    ];
  });
}

/**
 * After a plain start, start events that wait for a message or signal are discarded once another
 * start event of the process ran (a none start): left waiting, they would keep the process from
 * ever completing. A process started only by events keeps them (it waits for its start message).
 */
export function discardIdleStarts(execution: ExecutionLike): void {
  const processes = runningProcesses(execution);
  for (const bp of processes) {
    const starts = bp.getActivities().filter((a) => a.type === 'bpmn:StartEvent' && a.parent?.id === bp.id);
    const top = execution.getPostponed() as (PostponedApi & { type?: string })[];
    const waiting = top.filter((api) => starts.some((s) => s.id === api.id));
    if (waiting.length && waiting.length < starts.length) for (const api of waiting) api.discard();
  }
}

function isEventSubProcess(bp: ProcessLike, id: string): boolean {
  return bp.getActivities().some((a) => a.id === id && a.triggeredByEvent);
}

function findPostponed(
  execution: ExecutionLike,
  matches: (api: PostponedApi) => boolean,
): PostponedApi | undefined {
  return allPostponed(execution.getPostponed()).find(matches);
}

function runningProcesses(execution: ExecutionLike): ProcessLike[] {
  return (execution.definitions as DefinitionLike[]).flatMap((d) => d.getRunningProcesses());
}
