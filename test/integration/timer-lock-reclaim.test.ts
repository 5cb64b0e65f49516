import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { startTestApp } from '../support/harness.js';
import { nodeEntry } from '../support/node-entry.js';
import { waitFor } from '../support/wait.js';

const firedEvents = (view: any) => view.body.events.filter((e: any) => e.type === 'timer.fired');
/** The lock lifetime of both processes (10 s by default): shorter, so the test waits less. */
const LOCK_MS = 3000;

describe('timer locks of a dead process', () => {
  test('given a process killed while its timer handler runs, when another process runs, then it fires the timer once within the lock lifetime and a few seconds', async () => {
    const dbName = `t_${randomUUID().slice(0, 8)}`;
    const first = await startTestApp({ dbName, timerPollMs: 60_000 });
    const started = await first.call('agentL1', 'POST', '/api/procedures/sla-escalation/instances', {});
    expect(started.status).toBe(201);
    await first.stop();

    // The 1 s warning is taken by a process whose handler hangs; it dies holding the lock.
    const child = spawn(process.execPath, nodeEntry('hanging-timer-process'), {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        MONGODB_URI: process.env.TEST_MONGODB_URI,
        HELPDESK_DB_NAME: dbName,
        HELPDESK_TIMER_LOCK_MS: String(LOCK_MS),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(`FIRING ${started.body.id}`)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`hanging process exited with ${code}: ${output}`)));
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();

    const second = await startTestApp({ dbName, env: { HELPDESK_TIMER_LOCK_MS: String(LOCK_MS) } });
    try {
      const view = await waitFor(
        async () => {
          const v = await second.call('supervisor', 'GET', `/api/instances/${started.body.id}`);
          return firedEvents(v).length ? v : null;
        },
        30_000,
        200,
      );
      const reclaimMs = Date.now() - killedAt;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const later = await second.call('supervisor', 'GET', `/api/instances/${started.body.id}`);

      expect(firedEvents(view)[0]).toMatchObject({ data: { activityId: 'warn' } });
      expect(firedEvents(later)).toHaveLength(1);
      // The lock lapses one lock lifetime after the process died; then a poll or the sweep fires it.
      expect(reclaimMs).toBeLessThan(LOCK_MS + 5_000);
    } finally {
      await second.stop();
    }
  }, 120_000);
});
