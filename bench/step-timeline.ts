/**
 * Benchmark (a script, not a timed test): where one step's wall time goes, command by command
 * (issue 10, "say where the remaining time goes"). Opens review tickets through the runner one at a
 * time, prints the median start and completion time over N runs, then the timeline of one start and
 * one completion: each MongoDB command's offset from the step's beginning, its duration, its name and
 * collection (driver command monitoring). Gaps between commands are the app's CPU and the engine thread.
 * Usage: npm run bench:timeline [-- <runs>]   (default 150)
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../src/domain/actor.js';
import { startTestApp, type TestApp } from '../test/support/harness.js';
import { monitoredUri, QUIET_BACKGROUND } from '../test/integration/round-trips/meter.js';
import { percentile, startBenchDatabase, REVIEW_INTAKE } from './bench-support.js';

const RUNS = Math.max(10, Math.min(Number(process.argv[2] ?? 150), 5000));
const agent: Actor = { id: 'luis', roles: ['agent'], groups: ['l1', 'central-desk'] };
const intake = REVIEW_INTAKE;

interface Command {
  readonly requestId: number;
  readonly commandName: string;
  readonly command: Record<string, unknown>;
}

/** Records the commands sent while `work` runs: start offset and duration, in ms. */
function recorder(app: TestApp) {
  const client = app.app.database.connection.getClient();
  let lines: string[] | undefined;
  let t0 = 0;
  const started = new Map<number, { at: number; name: string }>();
  client.on('commandStarted', (event: Command) => {
    if (!lines) return;
    const target = event.command[event.commandName];
    started.set(event.requestId, {
      at: performance.now(),
      name: `${event.commandName} ${typeof target === 'string' ? target : '-'}`,
    });
  });
  client.on('commandSucceeded', (event: Command) => {
    const start = started.get(event.requestId);
    if (!lines || !start) return;
    const offset = (start.at - t0).toFixed(1).padStart(6);
    lines.push(`${offset} ms  +${(performance.now() - start.at).toFixed(1).padStart(5)} ms  ${start.name}`);
  });
  return async (work: () => Promise<unknown>): Promise<string[]> => {
    lines = [];
    t0 = performance.now();
    await work();
    const total = performance.now() - t0;
    const recorded = lines;
    lines = undefined;
    return [...recorded, `${total.toFixed(1).padStart(6)} ms  end`];
  };
}

async function main(): Promise<void> {
  const db = await startBenchDatabase('bench-timeline');
  const app = await startTestApp({
    dbName: `tl_${randomUUID().slice(0, 8)}`,
    timerPollMs: 60_000,
    env: {
      MONGODB_URI: monitoredUri(process.env.TEST_MONGODB_URI!),
      ...QUIET_BACKGROUND,
    },
  });
  const { instances, tasks } = app.app.services;
  const open = () => instances.start('review-request', intake, agent);
  const complete = (taskId: string) => tasks.complete(taskId, { priority: 'blocking' }, agent);
  try {
    const starts: number[] = [];
    const completions: number[] = [];
    for (let run = 0; run < RUNS + 20; run++) {
      let t = performance.now();
      const started = await open();
      if (run >= 20) starts.push(performance.now() - t); // the first 20 warm the caches
      t = performance.now();
      await complete(started.openTaskIds[0]!);
      if (run >= 20) completions.push(performance.now() - t);
    }
    const record = recorder(app);
    const startLines = await record(open);
    const waiting = await open();
    const completeLines = await record(() => complete(waiting.openTaskIds[0]!));
    console.log(`bench:timeline, ${RUNS} tickets one at a time, ${new Date().toISOString()}`);
    console.log(
      `start    p50 ${percentile(starts, 50).toFixed(1)} ms  p90 ${percentile(starts, 90).toFixed(1)} ms`,
    );
    console.log(
      `complete p50 ${percentile(completions, 50).toFixed(1)} ms  p90 ${percentile(completions, 90).toFixed(1)} ms`,
    );
    console.log(`\none start:\n${startLines.join('\n')}\n\none completion:\n${completeLines.join('\n')}`);
  } finally {
    await app.stop();
    await db.stop();
  }
}

await main();
