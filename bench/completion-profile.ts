/**
 * Benchmark (a script, not a timed test): where a task completion's CPU goes (issue 10: "say where
 * the remaining time goes"). Opens N review tickets through the runner, then A agents complete them
 * at once while the V8 profiler samples the main thread; prints completions/s, the process's CPU per
 * completion (every thread: main and engine workers) and the main thread's split by category.
 * FerretDB's own CPU is a separate process and is not counted.
 * Usage: npm run bench:profile [-- <tickets> <agents>]   (default 500 20)
 */
import { Session } from 'node:inspector/promises';
import type { Actor } from '../src/domain/actor.js';
import { startTestApp } from '../test/support/harness.js';
import { openTickets, startBenchDatabase, REVIEW_INTAKE } from './bench-support.js';
import { splitProfile, type CpuProfile } from './profile-split.js';

const TICKETS = Math.max(1, Math.min(Number(process.argv[2] ?? 500), 20_000));
const AGENTS = Math.max(1, Math.min(Number(process.argv[3] ?? 20), 500));
const intake = REVIEW_INTAKE;
const lead: Actor = { id: 'luis', roles: ['agent'], groups: ['l1'] };

async function main(): Promise<void> {
  const db = await startBenchDatabase('bench-profile');
  const app = await startTestApp({ timerPollMs: 500 });
  try {
    await openTickets(app, 'review-request', TICKETS, () => undefined, intake);
    const queue = await app.app.services.tasks.list({ limit: TICKETS }, lead);
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: AGENTS }, async (_, n) => {
        const actor: Actor = { id: `agent${n}`, roles: ['agent'], groups: ['l1'] };
        for (let task = queue[next++]; task; task = queue[next++])
          await app.app.services.tasks.complete(task.id, { priority: 'blocking' }, actor);
      }),
    );
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    session.disconnect();
    report(queue.length, wallMs, (cpu.user + cpu.system) / 1000, splitProfile(profile));
  } finally {
    await app.stop();
    await db.stop();
  }
}

function report(done: number, wallMs: number, cpuMs: number, split: [string, number][]): void {
  const per = (ms: number) => `${(ms / done).toFixed(2)} ms`;
  const mainBusy = split.filter(([name]) => name !== 'idle').reduce((sum, [, ms]) => sum + ms, 0);
  console.log(
    `bench:profile ${done} completions by ${AGENTS} agents, FerretDB (SQLite), ${new Date().toISOString()}`,
  );
  console.log(
    `throughput ${((done / wallMs) * 1000).toFixed(1)} completions/s; wall ${per(wallMs)} per completion`,
  );
  console.log(
    `process CPU per completion ${per(cpuMs)} (main thread ${per(mainBusy)}, engine threads ~${per(Math.max(0, cpuMs - mainBusy))})`,
  );
  console.log('main thread, per completion:');
  for (const [name, ms] of split)
    console.log(`  ${name.padEnd(24)} ${per(ms).padStart(9)}  ${((ms / wallMs) * 100).toFixed(0)} % of wall`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
