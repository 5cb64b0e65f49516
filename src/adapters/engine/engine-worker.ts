/**
 * The engine thread: runs BpmnEngineRunner steps sent by WorkerEngine, one at a time.
 * bpmn-elements runs a whole step synchronously; here that burst blocks only this
 * thread, never the HTTP server's event loop, and a runaway step can be terminated.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '../../domain/errors.js';
import { BpmnEngineRunner, type RunnerOptions } from './bpmn-engine-runner.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

if (parentPort) {
  const port = parentPort;
  const runner = new BpmnEngineRunner(workerData as RunnerOptions);
  port.on('message', (request: WorkerRequest) => {
    void answer(runner, request).then((reply) => port.postMessage(reply));
  });
  // Loaded: steps are timed from here on, not while the thread starts.
  port.postMessage({ ready: true });
}

async function answer(runner: BpmnEngineRunner, request: WorkerRequest): Promise<WorkerReply> {
  try {
    const outcome =
      request.method === 'start'
        ? await runner.start(request.definition, request.variables)
        : await runner.resume(request.definition, request.engineState, request.action);
    return { id: request.id, outcome };
  } catch (error) {
    const failure = isAppError(error)
      ? { code: error.code, message: error.message, details: [...error.details] }
      : { message: error instanceof Error ? error.message : String(error) };
    return { id: request.id, error: failure };
  }
}
