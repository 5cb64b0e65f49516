import { createRequire } from 'node:module';
import { Engine } from 'bpmn-engine';
import * as Elements from 'bpmn-elements';
import BpmnModdle from 'bpmn-moddle';
import Serializer, { TypeResolver } from 'moddle-context-serializer';
import { AppError } from '../../domain/errors.js';
import type {
  DisarmedTimer,
  EngineAction,
  EngineDefinition,
  ProcedureEngine,
  RunOutcome,
} from '../../app/procedure-engine.js';
import { quietTimers } from './quiet-timers.js';
import { safeExpressions } from './safe-expressions.js';
import { sendTaskExtension } from './send-task-service.js';
import { RunTracker } from './run-tracker.js';
import { JoinSafeParallelGateway } from './join-safe-gateway.js';
import { ProcedureCallActivity } from './procedure-call-activity.js';
import { JoinSafeInclusiveGateway } from './inclusive-gateway.js';
import { runOnlyChosenProcess } from '../bpmn/process-choice.js';
import { toCamundaNamespace } from '../bpmn/moddle-read.js';
import { allPostponed, type PostponedApi } from './postponed.js';
import { patchVariables, stripSources, type EngineState } from './engine-state.js';
import { DEFAULT_BUDGET, StepAborted, StepGuard, type EngineBudget } from './step-guard.js';
import { refusingScripts } from './refusing-scripts.js';
import { guardExtension } from './guard-extension.js';
import { inputOutputExtension } from './input-output.js';
import { incidentOutcome } from './incident-outcome.js';
import { capCycles, DEFAULT_CYCLE_LIMITS, type CycleLimits } from './cycle-limits.js';
import { deliver, discardIdleStarts, eventSubProcessStarts } from './deliver.js';
import { eventSubProcessTimers, fireEventSubProcessTimer, isEventSubProcessTimer } from './esp-timers.js';
import { ENGINE_VERSION } from './engine-version.js';

const require = createRequire(import.meta.url);
const camunda = require('camunda-bpmn-moddle/resources/camunda.json') as object;

type SourceContext = ReturnType<typeof Serializer>;

/** Bounds of the runner: the step budget and the caps on repeating timers. */
export interface RunnerOptions {
  readonly budget?: Partial<EngineBudget>;
  readonly cycles?: Partial<CycleLimits>;
}

/**
 * Runs BPMN definitions with bpmn-engine, one short-lived engine per call: the
 * instance is recovered from its persisted state, advanced to its next wait, and
 * released. Parsed definitions are cached by id (versions are immutable).
 */
export class BpmnEngineRunner implements ProcedureEngine {
  readonly version = ENGINE_VERSION;
  private readonly sources = new Map<string, Promise<SourceContext>>();
  private readonly typeResolver = TypeResolver({
    ...Elements,
    ParallelGateway: JoinSafeParallelGateway,
    InclusiveGateway: JoinSafeInclusiveGateway,
    // Calls go to other procedures, never to a process of the same file (ADR 0019).
    CallActivity: ProcedureCallActivity,
  } as never);
  private readonly budget: EngineBudget;
  private readonly cycles: CycleLimits;

  constructor(options: RunnerOptions = {}) {
    this.budget = { ...DEFAULT_BUDGET, ...options.budget };
    this.cycles = { ...DEFAULT_CYCLE_LIMITS, ...options.cycles };
  }

  async start(definition: EngineDefinition, variables: Record<string, unknown>): Promise<RunOutcome> {
    const guard = new StepGuard(this.budget);
    const tracker = new RunTracker(guard);
    const engine = await this.newEngine(definition, tracker, guard, variables);
    return this.guarded(guard, async () => {
      const execution = await engine.execute({ listener: tracker.listener });
      discardIdleStarts(execution as never);
      return this.finish(engine, tracker, guard);
    });
  }

  async resume(
    definition: EngineDefinition,
    engineState: unknown,
    action: EngineAction,
  ): Promise<RunOutcome> {
    const guard = new StepGuard(this.budget);
    const tracker = new RunTracker(guard);
    const state =
      action.kind === 'complete-task'
        ? patchVariables(engineState, action.data)
        : action.kind === 'deliver' && Object.keys(action.variables).length
          ? patchVariables(engineState, action.variables)
          : engineState;
    // A called ticket ended: its out-mapped variables join the caller's before the call completes.
    const recovered = action.kind === 'complete-call' ? patchVariables(state, action.variables) : state;
    const engine = await this.newEngine(definition, tracker, guard);
    return this.guarded(guard, async () => {
      engine.recover(structuredClone(recovered) as never);
      const execution = await engine.resume({ listener: tracker.listener });
      this.apply(execution, action, tracker);
      const disarmed = action.kind === 'fire-timer' ? capCycles(execution, tracker, action, this.cycles) : [];
      return this.finish(engine, tracker, guard, disarmed);
    });
  }

  /**
   * Runs one step under the guard. A step that crossed a bound, reached a script or
   * overflowed the stack (a loop without a wait state) ends as an incident; its engine
   * is abandoned as it is (nothing of it is saved: the instance keeps its last good state).
   */
  private async guarded(guard: StepGuard, run: () => Promise<RunOutcome>): Promise<RunOutcome> {
    guard.begin();
    try {
      const outcome = await run();
      return guard.incident ? incidentOutcome(guard.incident) : outcome;
    } catch (error) {
      if (error instanceof StepAborted) return incidentOutcome(error.incident);
      if (error instanceof RangeError && /call stack/i.test(error.message)) {
        const at = guard.lastActivityId;
        return incidentOutcome(
          guard.fail(`activity <${at}>: the engine overflowed its stack (a loop without a wait state?)`),
        );
      }
      if (guard.incident) return incidentOutcome(guard.incident);
      throw error;
    }
  }

  private apply(execution: Engine['execution'], action: EngineAction, tracker: RunTracker): void {
    if (action.kind === 'resume') return;
    if (action.kind === 'deliver') return deliver(execution as never, action);
    if (action.kind === 'fire-timer' && isEventSubProcessTimer(action.executionId)) {
      const inner = (startId: string) =>
        tracker.armedTimers.find((t) => t.activityId === startId)?.executionId;
      fireEventSubProcessTimer(execution as never, action.executionId, inner);
      return;
    }
    const postponed = allPostponed(execution.getPostponed());
    if (action.kind === 'complete-call') {
      completeCall(execution, postponed, action, tracker);
      return;
    }
    if (action.kind === 'complete-task') {
      completeTask(execution, postponed, action, tracker);
      return;
    }
    const armed = postponed.some((api) => api.id === action.activityId);
    if (armed) execution.cancelActivity({ id: action.activityId, executionId: action.executionId });
  }

  private async newEngine(
    definition: EngineDefinition,
    tracker: RunTracker,
    guard: StepGuard,
    variables?: Record<string, unknown>,
  ) {
    const sourceContext = await this.sourceContext(definition);
    return new Engine({
      name: definition.id,
      sourceContext,
      variables,
      timers: quietTimers(),
      expressions: safeExpressions(),
      scripts: refusingScripts(guard),
      extensions: {
        sendTasks: sendTaskExtension(tracker.sent),
        guard: guardExtension(guard),
        inputOutput: inputOutputExtension(tracker.assigned),
      },
      Logger: silentLogger,
    } as never);
  }

  private async finish(
    engine: Engine,
    tracker: RunTracker,
    guard: StepGuard,
    disarmed: readonly DisarmedTimer[] = [],
  ): Promise<RunOutcome> {
    await settle();
    if (guard.incident) return incidentOutcome(guard.incident);
    const execution = engine.execution;
    const failure = engineFailure(execution);
    const saved = stripSources((await engine.getState()) as unknown as EngineState);
    // Mapped variables reach every saved environment, like task data (ADR 0031).
    const state = Object.keys(tracker.assigned).length ? patchVariables(saved, tracker.assigned) : saved;
    // After a run, bpmn-engine reports a finished execution as `idle` (it is `running` while waiting).
    const status = failure ? 'failed' : executionState(execution) === 'idle' ? 'completed' : 'running';
    const postponed = status === 'running' ? execution.getPostponed() : [];
    // Read from the live execution (ADR 0018). The engine is then dropped without stop(): its timers
    // are quiet and nothing outside it holds a reference, so the collector frees it; stopping cost
    // ~1 ms of the thread per step (every activity's broker told to stop, for nothing).
    const awaiting = status === 'running' ? awaitingOf(execution, tracker) : {};
    const subProcessTimers =
      status === 'running' ? eventSubProcessTimers(execution as never, this.cycles.minPeriodMs) : [];
    return {
      status,
      ...(failure ? { error: failure } : {}),
      engineState: state,
      variables: { ...(state.environment?.variables ?? {}) },
      waitingTasks: status === 'running' ? tracker.waitingTasks : [],
      armedTimers: status === 'running' ? [...tracker.armedTimers, ...subProcessTimers] : [],
      firedTimers: tracker.firedTimers,
      ...(disarmed.length ? { disarmedTimers: disarmed } : {}),
      sentMessages: [...tracker.sent],
      ...awaiting,
      ...(status === 'running' && tracker.calls.length ? { calls: tracker.calls } : {}),
      completedActivities: tracker.completedActivities,
      // Activities only: a flow still carrying a discarded start's token is listed too (issue 16).
      activeActivities: (postponed as { id: string; type?: string }[])
        .filter((api) => api.type !== 'bpmn:SequenceFlow')
        .map((api) => api.id),
    };
  }

  private sourceContext(definition: EngineDefinition): Promise<SourceContext> {
    let cached = this.sources.get(definition.id);
    if (!cached) {
      cached = serialize(definition.xml, this.typeResolver, definition.id.split('@')[0] ?? definition.id);
      cached.catch(() => this.sources.delete(definition.id));
      this.sources.set(definition.id, cached);
    }
    return cached;
  }
}

/** Parses the XML for the engine; with several executable processes only the procedure's runs (issue 16). */
async function serialize(
  xml: string,
  typeResolver: ReturnType<typeof TypeResolver>,
  procedureId: string,
): Promise<SourceContext> {
  const moddle = new BpmnModdle({ camunda });
  // The legacy namespace (http://activiti.org/bpmn) is read as Camunda's, as at deploy.
  const context = await moddle.fromXML(toCamundaNamespace(xml));
  runOnlyChosenProcess(context.rootElement as never, procedureId);
  return Serializer(context as never, typeResolver);
}

/**
 * Signals the waiting task. An iteration of a multi-instance user task is not among the
 * postponed activities (only its root is): it is reached by a signal the process delegates
 * to its children, which the iteration with that execution id takes.
 */
function completeTask(
  execution: Engine['execution'],
  postponed: readonly PostponedApi[],
  action: Extract<EngineAction, { kind: 'complete-task' }>,
  tracker: RunTracker,
): void {
  const task = postponed.find((api) => api.executionId === action.executionId);
  if (task) {
    task.signal(action.data);
    return;
  }
  const iteration = tracker.waitingTasks.find((waiting) => waiting.executionId === action.executionId);
  if (!iteration) throw new AppError('TASK_NOT_OPEN', `task <${action.executionId}> is no longer waiting`);
  execution.signal({ ...action.data, id: iteration.activityId, executionId: action.executionId });
  tracker.release(action.executionId);
}

/**
 * Completes a waiting call activity (ADR 0019). An iteration of a multi-instance call activity
 * is reached, like a task iteration, by a signal its process delegates.
 */
function completeCall(
  execution: Engine['execution'],
  postponed: readonly PostponedApi[],
  action: Extract<EngineAction, { kind: 'complete-call' }>,
  tracker: RunTracker,
): void {
  const call = postponed.find((api) => api.executionId === action.executionId);
  if (call) {
    call.signal({});
    return;
  }
  const iteration = tracker.calls.find((waiting) => waiting.executionId === action.executionId);
  if (!iteration) {
    throw new AppError('CONFLICT', `call activity <${action.activityId}> is no longer waiting`);
  }
  execution.signal({ id: iteration.activityId, executionId: action.executionId });
  tracker.release(action.executionId);
}

/** The catches the tracker heard wait, plus the event sub-process starts of the running processes. */
function awaitingOf(execution: Engine['execution'], tracker: RunTracker) {
  const awaiting = [...tracker.awaiting, ...eventSubProcessStarts(execution as never)];
  return awaiting.length ? { awaiting } : {};
}

function engineFailure(execution: Engine['execution']): string | undefined {
  if (executionState(execution) !== 'error') return undefined;
  const definitions = execution.definitions as unknown as { getState(): { status?: string } }[];
  return `engine stopped with error (${definitions.map((d) => d.getState().status).join(', ')})`;
}

/** The typings narrow the state to running/idle; at run time it also reports stopped and error. */
function executionState(execution: Engine['execution']): string {
  return execution.state as string;
}

/** Lets the engine's broker drain: all activity in bpmn-elements is scheduled synchronously or on the next tick. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

function silentLogger() {
  const noop = () => undefined;
  return { debug: noop, error: noop, warn: noop };
}
