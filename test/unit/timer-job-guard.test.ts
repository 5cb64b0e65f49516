import {
  classifySchedulerError,
  JobTimeoutError,
  runWithHeartbeat,
} from '../../src/adapters/scheduler/job-guard.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('timer job guard', () => {
  test('given work that runs for several heartbeats, then the lock is renewed while it runs and no more after', async () => {
    let touches = 0;
    const job = { touch: async () => void (touches += 1) };

    const result = await runWithHeartbeat(job, () => sleep(230).then(() => 'fired'), {
      heartbeatMs: 50,
      timeoutMs: 1000,
      what: 'timer job <warn> of instance <i1>',
    });
    const renewed = touches;
    await sleep(120);

    expect(result).toBe('fired');
    expect(renewed).toBeGreaterThanOrEqual(3);
    expect(touches).toBe(renewed);
  });

  test('given work that outlasts its timeout, then the job fails naming the timer before its lock could lapse', async () => {
    const job = { touch: async () => undefined };
    const startedAt = Date.now();

    const run = runWithHeartbeat(job, () => new Promise(() => undefined), {
      heartbeatMs: 50,
      timeoutMs: 150,
      what: 'timer job <warn> of instance <i1>',
    });

    await expect(run).rejects.toThrow(JobTimeoutError);
    await expect(run).rejects.toThrow('timer job <warn> of instance <i1> did not finish within 150 ms');
    expect(Date.now() - startedAt).toBeLessThan(1000);
  });

  test('given a heartbeat that fails (the job was removed elsewhere), then the work still completes', async () => {
    const failures: unknown[] = [];
    const job = { touch: () => Promise.reject(new Error('job x cannot be updated in the database')) };

    const result = await runWithHeartbeat(job, () => sleep(120).then(() => 'stale'), {
      heartbeatMs: 30,
      timeoutMs: 1000,
      what: 'timer job <warn> of instance <i1>',
      onHeartbeatError: (error) => failures.push(error),
    });

    expect(result).toBe('stale');
    expect(failures.length).toBeGreaterThan(0);
  });

  test('given the errors Agenda reports, then a vanished job and an expired lock are told apart from real errors', () => {
    const gone = new Error(
      'job 6b0b (name: bpmn-timer) cannot be updated in the database, maybe it does not exist anymore?',
    );
    const expired = new Error("execution of 'bpmn-timer' canceled, execution took more than 30000ms.");

    expect(classifySchedulerError(gone)).toBe('job-gone');
    expect(classifySchedulerError(expired)).toBe('lock-expired');
    expect(classifySchedulerError(new Error('SQLITE_BUSY'))).toBe('other');
    expect(classifySchedulerError('not an error')).toBe('other');
  });
});
