import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Engine } from 'bpmn-engine';
import * as Elements from 'bpmn-elements';
import BpmnModdle from 'bpmn-moddle';
import Serializer, { TypeResolver } from 'moddle-context-serializer';
import { AppError } from '../../domain/errors.js';
import type {
  EngineAction,
  EngineDefinition,
  ProcedureEngine,
  RunOutcome,
} from '../../app/procedure-engine.js';
import { quietTimers } from './quiet-timers.js';
import { safeExpressions } from './safe-expressions.js';
import { sendTaskExtension } from './send-task-service.js';
import { RunTracker } from './run-tracker.js';
import { patchVariables, stripSources, type EngineState } from './engine-state.js';

const require = createRequire(import.meta.url);
const camunda = require('camunda-bpmn-moddle/resources/camunda.json') as object;
// bpmn-engine's exports map hides package.json; read it next to the resolved entry point.
const ENGINE_PACKAGE = path.join(path.dirname(require.resolve('bpmn-engine')), '..', 'package.json');
const ENGINE_VERSION = (JSON.parse(readFileSync(ENGINE_PACKAGE, 'utf8')) as { version: string }).version;

type SourceContext = ReturnType<typeof Serializer>;

/**
 * Runs BPMN definitions with bpmn-engine, one short-lived engine per call: the
 * instance is recovered from its persisted state, advanced to its next wait, and
 * released. Parsed definitions are cached by id (versions are immutable).
 */
export class BpmnEngineRunner implements ProcedureEngine {
  readonly version = ENGINE_VERSION;
  private readonly sources = new Map<string, Promise<SourceContext>>();
  private readonly typeResolver = TypeResolver({ ...Elements } as never);

  async start(definition: EngineDefinition, variables: Record<string, unknown>): Promise<RunOutcome> {
    const tracker = new RunTracker();
    const engine = await this.newEngine(definition, tracker, variables);
    await engine.execute({ listener: tracker.listener });
    return this.finish(engine, tracker);
  }

  async resume(
    definition: EngineDefinition,
    engineState: unknown,
    action: EngineAction,
  ): Promise<RunOutcome> {
    const tracker = new RunTracker();
    const state = action.kind === 'complete-task' ? patchVariables(engineState, action.data) : engineState;
    const engine = await this.newEngine(definition, tracker);
    engine.recover(structuredClone(state) as never);
    const execution = await engine.resume({ listener: tracker.listener });
    this.apply(execution, action);
    return this.finish(engine, tracker);
  }

  private apply(execution: Engine['execution'], action: EngineAction): void {
    if (action.kind === 'resume') return;
    const postponed = allPostponed(execution.getPostponed());
    if (action.kind === 'complete-task') {
      const task = postponed.find((api) => api.executionId === action.executionId);
      if (!task) throw new AppError('TASK_NOT_OPEN', `task <${action.executionId}> is no longer waiting`);
      task.signal(action.data);
      return;
    }
    const armed = postponed.some((api) => api.id === action.activityId);
    if (armed) execution.cancelActivity({ id: action.activityId, executionId: action.executionId });
  }

  private async newEngine(
    definition: EngineDefinition,
    tracker: RunTracker,
    variables?: Record<string, unknown>,
  ) {
    const sourceContext = await this.sourceContext(definition);
    return new Engine({
      name: definition.id,
      sourceContext,
      variables,
      timers: quietTimers(),
      expressions: safeExpressions(),
      extensions: { sendTasks: sendTaskExtension(tracker.sent) },
      Logger: silentLogger,
    } as never);
  }

  private async finish(engine: Engine, tracker: RunTracker): Promise<RunOutcome> {
    await settle();
    const execution = engine.execution;
    const failure = engineFailure(execution);
    const state = stripSources((await engine.getState()) as unknown as EngineState);
    // After a run, bpmn-engine reports a finished execution as `idle` (it is `running` while waiting).
    const status = failure ? 'failed' : executionState(execution) === 'idle' ? 'completed' : 'running';
    const postponed = status === 'running' ? execution.getPostponed() : [];
    // stop() never settles on a finished execution; only a waiting one holds anything to release.
    if (status === 'running') await engine.stop();
    return {
      status,
      ...(failure ? { error: failure } : {}),
      engineState: state,
      variables: { ...(state.environment?.variables ?? {}) },
      waitingTasks: status === 'running' ? tracker.waitingTasks : [],
      armedTimers: status === 'running' ? tracker.armedTimers : [],
      firedTimers: tracker.firedTimers,
      sentMessages: [...tracker.sent],
      completedActivities: tracker.completedActivities,
      activeActivities: postponed.map((api) => api.id),
    };
  }

  private sourceContext(definition: EngineDefinition): Promise<SourceContext> {
    let cached = this.sources.get(definition.id);
    if (!cached) {
      cached = serialize(definition.xml, this.typeResolver);
      cached.catch(() => this.sources.delete(definition.id));
      this.sources.set(definition.id, cached);
    }
    return cached;
  }
}

async function serialize(xml: string, typeResolver: ReturnType<typeof TypeResolver>): Promise<SourceContext> {
  const moddle = new BpmnModdle({ camunda });
  const context = await moddle.fromXML(xml);
  return Serializer(context as never, typeResolver);
}

function engineFailure(execution: Engine['execution']): string | undefined {
  if (executionState(execution) !== 'error') return undefined;
  const definitions = execution.definitions as unknown as { getState(): { status?: string } }[];
  return `engine stopped with error (${definitions.map((d) => d.getState().status).join(', ')})`;
}

interface PostponedApi {
  readonly id: string;
  readonly executionId: string;
  getPostponed?(): PostponedApi[];
  signal(message?: unknown): void;
}

/** Waiting activities at every depth: tasks and timers inside sub-processes included. */
function allPostponed(top: readonly unknown[]): PostponedApi[] {
  return (top as PostponedApi[]).flatMap((api) => {
    const children =
      typeof api.getPostponed === 'function'
        ? api.getPostponed().filter((c) => c.executionId !== api.executionId)
        : [];
    return [api, ...allPostponed(children)];
  });
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
