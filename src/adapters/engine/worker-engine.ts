import { Worker } from 'node:worker_threads';
import { AppError } from '../../domain/errors.js';
import type {
  EngineAction,
  EngineDefinition,
  ProcedureEngine,
  RunOutcome,
} from '../../app/procedure-engine.js';
import type { RunnerOptions } from './bpmn-engine-runner.js';
import { ENGINE_VERSION } from './engine-version.js';
import { incidentOutcome } from './incident-outcome.js';
import { DEFAULT_BUDGET } from './step-guard.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

type Request = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

/** Options of the engine threads: the runner's bounds, the hard stop of a step, how many threads. */
export interface WorkerEngineOptions extends RunnerOptions {
  /** A step still running this long after the thread took it is terminated (default: step bound + 2 s). */
  readonly hardLimitMs?: number;
  /** Engine threads (default 2): a slow step holds up only the steps queued on its own thread. */
  readonly threads?: number;
  /** A prebuilt engine thread module (file path) instead of engine-worker.{js,ts} next to this file. */
  readonly module?: string;
}

/**
 * Runs engine steps on a small pool of worker threads, so the HTTP server keeps answering
 * while steps run, and one slow step (up to its budget) does not hold up every other
 * instance: each step goes to the thread with the fewest steps queued.
 */
export class WorkerEngine implements ProcedureEngine {
  readonly version = ENGINE_VERSION;
  private readonly threads: EngineThread[];

  constructor(options: WorkerEngineOptions = {}) {
    const count = Math.max(1, Math.min(options.threads ?? 2, 16));
    this.threads = Array.from({ length: count }, () => new EngineThread(options));
  }

  start(definition: EngineDefinition, variables: Record<string, unknown>): Promise<RunOutcome> {
    return this.leastBusy().call({ method: 'start', definition, variables });
  }

  resume(definition: EngineDefinition, engineState: unknown, action: EngineAction): Promise<RunOutcome> {
    return this.leastBusy().call({ method: 'resume', definition, engineState, action });
  }

  /** Terminates the engine threads (later steps start new ones). */
  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.close()));
  }

  private leastBusy(): EngineThread {
    return this.threads.reduce((best, thread) => (thread.queued < best.queued ? thread : best));
  }
}

/**
 * One engine thread running steps one at a time. The runner's budget stops a runaway step at
 * an activity start; a step that still overruns `hardLimitMs` (a long computation the guard
 * does not see, or a budget set too high) has its thread terminated and ends as an incident;
 * the next step gets a new thread.
 */
class EngineThread {
  private worker?: Promise<Worker>;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 0;
  private pending?: { id: number; settle: (reply: WorkerReply | Error) => void };
  private readonly hardLimitMs: number;
  /** Steps sent to this thread and not yet answered. */
  queued = 0;

  constructor(private readonly options: WorkerEngineOptions) {
    this.hardLimitMs = options.hardLimitMs ?? (options.budget?.maxStepMs ?? DEFAULT_BUDGET.maxStepMs) + 2000;
  }

  /** Terminates the thread (a later step starts a new one). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await (await worker?.catch(() => undefined))?.terminate();
  }

  call(request: Request): Promise<RunOutcome> {
    this.queued++;
    const run = this.queue.then(() => this.send(request)).finally(() => this.queued--);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async send(request: Request): Promise<RunOutcome> {
    const worker = await this.thread();
    const id = ++this.nextId;
    return new Promise<RunOutcome>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        void this.close();
        resolve(incidentOutcome({ activityId: '', reason: this.overrun() }));
      }, this.hardLimitMs);
      this.pending = {
        id,
        settle: (reply) => {
          clearTimeout(timer);
          this.pending = undefined;
          if (reply instanceof Error) reject(reply);
          else if ('outcome' in reply) resolve(reply.outcome);
          else reject(toError(reply.error));
        },
      };
      worker.postMessage({ ...request, id });
    });
  }

  private overrun(): string {
    return `engine step ran for more than ${this.hardLimitMs} ms: its thread was stopped`;
  }

  /** The engine thread, started on first use; resolves once it has loaded the engine. */
  private thread(): Promise<Worker> {
    if (this.worker) return this.worker;
    const [entry, mode] = this.options.module ? [this.options.module, {}] : entryPoint();
    const workerData = { budget: this.options.budget, cycles: this.options.cycles };
    const worker = new Worker(entry, { ...mode, workerData });
    worker.unref();
    const ready = new Promise<Worker>((resolve, reject) => {
      worker.on('message', (reply: WorkerReply | { ready: true }) => {
        if ('ready' in reply) resolve(worker);
        else if (this.pending?.id === reply.id) this.pending.settle(reply);
      });
      const lost = (error: Error) => {
        if (this.worker === ready) this.worker = undefined;
        reject(error);
        this.pending?.settle(error);
      };
      worker.on('error', lost);
      worker.on('exit', (code) => lost(new AppError('ENGINE_FAILURE', `engine thread exited (${code})`)));
    });
    ready.catch(() => undefined);
    this.worker = ready;
    return ready;
  }
}

/**
 * The engine thread's module. Run from TypeScript sources (tests, `npm run dev`), the
 * thread registers the same loader (tsx) first: `--import` is not honoured in workers.
 */
function entryPoint(): [URL | string, { eval?: boolean }] {
  const fromSources = import.meta.url.endsWith('.ts');
  const url = new URL(`./engine-worker.${fromSources ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSources) return [url, {}];
  const code = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
  return [code, { eval: true }];
}

function toError(error: Extract<WorkerReply, { error: unknown }>['error']): Error {
  return error.code ? new AppError(error.code, error.message, error.details ?? []) : new Error(error.message);
}
