import type { ArmedTimer } from '../../app/procedure-engine.js';
import { allPostponed, type PostponedApi } from './postponed.js';

/** Execution ids of event sub-process timer starts: `esp~<subProcessId>~<startEventId>` (BPMN ids have no `~`). */
const PREFIX = 'esp~';

interface TimerDefinitionLike {
  readonly type?: string;
  readonly timeDuration?: string;
  readonly timeDate?: string;
  readonly timeCycle?: string;
  parse?(timerType: string, value: string): { expireAt?: Date; delay?: number };
}

interface ActivityLike {
  readonly id: string;
  readonly triggeredByEvent?: boolean;
  readonly parent?: { readonly id?: string };
  readonly counters?: { readonly taken?: number; readonly discarded?: number };
  readonly behaviour?: { readonly isInterrupting?: boolean };
  readonly environment?: { resolveExpression(value: string): unknown };
  readonly eventDefinitions?: readonly TimerDefinitionLike[];
  getStartActivities?(): ActivityLike[];
  run(message?: unknown): void;
}

interface ExecutionLike {
  getPostponed(): unknown[];
  readonly definitions: readonly unknown[];
  cancelActivity(message: { id: string; executionId: string }): void;
}

interface ProcessLike {
  readonly id: string;
  getActivities(): ActivityLike[];
}

const TYPES = ['timeDuration', 'timeDate', 'timeCycle'] as const;

/**
 * Timers of the timer start events of each running process's event sub-processes (ADR 0018).
 * bpmn-elements never arms them, so the runner reports them like any armed timer (the
 * scheduler fires them) while the sub-process is not running; a duration or date start fires
 * once per instance, a cycle again after each run (not below `minPeriodMs`).
 */
export function eventSubProcessTimers(execution: ExecutionLike, minPeriodMs: number): ArmedTimer[] {
  const running = new Set(allPostponed(execution.getPostponed()).map((api) => api.id));
  return subProcesses(execution)
    .filter(({ sub }) => !running.has(sub.id))
    .flatMap(({ sub }) =>
      (sub.getStartActivities?.() ?? []).flatMap((start) => armed(sub, start, minPeriodMs)),
    );
}

function armed(sub: ActivityLike, start: ActivityLike, minPeriodMs: number): ArmedTimer[] {
  const ran = (sub.counters?.taken ?? 0) + (sub.counters?.discarded ?? 0) > 0;
  return (start.eventDefinitions ?? []).flatMap((definition) => {
    const timerType = TYPES.find((type) => typeof definition[type] === 'string');
    if (
      definition.type !== 'bpmn:TimerEventDefinition' ||
      !timerType ||
      typeof definition.parse !== 'function'
    )
      return [];
    if (ran && timerType !== 'timeCycle') return [];
    const value = String(start.environment?.resolveExpression(definition[timerType] as string) ?? '');
    const parsed = definition.parse(timerType, value);
    const timeoutMs = parsed.delay ?? (parsed.expireAt ? parsed.expireAt.getTime() - Date.now() : NaN);
    if (!Number.isFinite(timeoutMs) || (timerType === 'timeCycle' && timeoutMs < minPeriodMs)) return [];
    const executionId = `${PREFIX}${sub.id}~${start.id}`;
    return [{ activityId: start.id, executionId, timerType, value, timeoutMs: Math.max(0, timeoutMs) }];
  });
}

/** Whether a timer job belongs to an event sub-process start (see {@link fireEventSubProcessTimer}). */
export function isEventSubProcessTimer(executionId: string): boolean {
  return executionId.startsWith(PREFIX);
}

/**
 * Fires an event sub-process timer start: runs the sub-process, fires its start event's own timer
 * (armed by the run) and, for an interrupting start, discards everything else running in the
 * process. `innerTimer` finds that timer among those the run armed. False: nothing to fire.
 */
export function fireEventSubProcessTimer(
  execution: ExecutionLike,
  executionId: string,
  innerTimer: (startEventId: string) => string | undefined,
): boolean {
  const [subId, startId] = executionId.slice(PREFIX.length).split('~');
  const found = subProcesses(execution).find(({ sub }) => sub.id === subId);
  const start = found?.sub.getStartActivities?.().find((a) => a.id === startId);
  if (!found || !start || !startId) return false;
  const isSub = (id: string) => found.bp.getActivities().some((a) => a.id === id && a.triggeredByEvent);
  const others = (execution.getPostponed() as PostponedApi[]).filter(
    (api) => api.executionId && !isSub(api.id),
  );
  found.sub.run();
  const timer = innerTimer(startId);
  if (!timer) return false;
  execution.cancelActivity({ id: startId, executionId: timer });
  if (start.behaviour?.isInterrupting !== false) for (const other of others) other.discard();
  return true;
}

function subProcesses(execution: ExecutionLike): { bp: ProcessLike; sub: ActivityLike }[] {
  const processes = (execution.definitions as { getRunningProcesses(): ProcessLike[] }[]).flatMap((d) =>
    d.getRunningProcesses(),
  );
  return processes.flatMap((bp) =>
    bp
      .getActivities()
      .filter((a) => a.triggeredByEvent && a.parent?.id === bp.id)
      .map((sub) => ({ bp, sub })),
  );
}
