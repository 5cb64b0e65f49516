/**
 * Benchmark (a script, not a timed test): the desk at scale, on the embedded FerretDB, with real
 * history (every ticket opened and worked through the runner, so `instance_events`, `tasks` and
 * the heads hold their steps). One run, one machine; compare figures of one run only.
 * - inbox first page p99 with N open tasks (the /inbox route's two calls: task list + join);
 * - task completion p99 with A agents completing at once while N tasks stay open (saturation: no pause
 *   between tasks), and with the same A agents each pausing THINK ms between tasks (a working desk);
 * - persisted runner vs raw bpmn-engine on the same model (instances/s), with N tickets open;
 * - restart to ready (app start with N waiting instances: open-work load, promotion, scheduler).
 * Usage: npm run bench:scale [-- <open tickets> <agents> <completions> <closed tickets> <think ms>]
 * Defaults 10000 50 1000 1000 10000; on a shared machine run it smaller, e.g. `-- 2000 50 300 200`.
 */
import { readFileSync } from 'node:fs';
import BpmnModdle from 'bpmn-moddle';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../src/domain/actor.js';
import { startTestApp, type TestApp } from '../test/support/harness.js';
import { openTickets, percentile, rawReviewRun, startBenchDatabase, REVIEW_INTAKE } from './bench-support.js';

const OPEN = Number(process.argv[2] ?? 10_000);
const AGENTS = Number(process.argv[3] ?? 50);
const COMPLETIONS = Number(process.argv[4] ?? 1000);
const CLOSED = Number(process.argv[5] ?? 1000);
const THINK_MS = Number(process.argv[6] ?? 10_000);
const RATIO_INSTANCES = 100;
/** Tickets the runner works at once in the concurrent ratio (what the embedded database sustains). */
const RATIO_CONCURRENCY = 4;
const INBOX_READS = 50;
const xml = readFileSync('test/fixtures/processes/review-request.bpmn', 'utf8');
const intake = REVIEW_INTAKE;
const agent: Actor = { id: 'luis', roles: ['agent'], groups: ['l1'] };
const specialist: Actor = { id: 'marta', roles: ['agent'], groups: ['l2'] };
const log = (message: string) => process.stderr.write(`${message}\n`);
const ms = (value: number) => `${value.toFixed(1)} ms`;

async function main(): Promise<void> {
  const db = await startBenchDatabase('bench-scale');
  const dbName = `scale_${randomUUID().slice(0, 8)}`;
  let app = await startTestApp({ dbName, timerPollMs: 500 });
  try {
    log(`history: ${CLOSED} tickets opened and closed through the runner…`);
    await closeTickets(app, await openTickets(app, 'review-request', CLOSED, progress, intake));
    log(`open work: ${OPEN} tickets waiting on their review task…`);
    await openTickets(app, 'review-request', OPEN, progress, intake);

    log(`inbox first page, ${INBOX_READS} reads…`);
    const inboxMs = await inboxReads(app);
    log(`${COMPLETIONS} completions by ${AGENTS} agents at once…`);
    const completeMs = await concurrentCompletions(app);
    log(
      `${AGENTS} agents each completing a task every ~${THINK_MS} ms, ${Math.ceil(COMPLETIONS / 2)} completions…`,
    );
    const pacedMs = await pacedCompletions(app, Math.ceil(COMPLETIONS / 2));
    log(`persisted runner vs raw engine, ${RATIO_INSTANCES} instances each…`);
    const raw = await rawEngine();
    const persisted = await persistedRunner(app, 1);
    const persistedConcurrent = await persistedRunner(app, RATIO_CONCURRENCY);

    log('restart…');
    await app.stop();
    const t0 = performance.now();
    app = await startTestApp({ dbName, timerPollMs: 500 });
    const restartMs = performance.now() - t0;

    console.log(
      `bench:scale ${OPEN} open tickets, ${CLOSED} closed, FerretDB (SQLite), ${new Date().toISOString()}`,
    );
    console.log(
      `inbox first page (${OPEN} open tasks)       p50 ${ms(percentile(inboxMs, 50))}  p99 ${ms(percentile(inboxMs, 99))}  (target p99 <= 200 ms)`,
    );
    console.log(
      `task completion (${AGENTS} agents at once)   p50 ${ms(percentile(completeMs, 50))}  p99 ${ms(percentile(completeMs, 99))}  (target p99 <= 150 ms)`,
    );
    console.log(
      `task completion (${AGENTS} agents, ~${THINK_MS} ms between tasks) p50 ${ms(percentile(pacedMs, 50))}  p99 ${ms(percentile(pacedMs, 99))}`,
    );
    console.log(`raw bpmn-engine, parsed model cached       ${raw.toFixed(1)} instances/s`);
    console.log(
      `persisted runner (start + complete), one ticket at a time  ${persisted.toFixed(1)} instances/s  (persisted/raw = ${(persisted / raw).toFixed(2)}x; latency-bound: each step's fsynced writes in turn)`,
    );
    console.log(
      `persisted runner, ${RATIO_CONCURRENCY} tickets at a time      ${persistedConcurrent.toFixed(1)} instances/s  (persisted/raw = ${(persistedConcurrent / raw).toFixed(2)}x, target >= 0.25x)`,
    );
    console.log(`restart to ready (${OPEN} waiting)            ${ms(restartMs)}  (target <= 10000 ms)`);
  } finally {
    await app.stop();
    await db.stop();
  }
}

function progress(done: number): void {
  log(`  ${done}`);
}

/** Works each ticket to its end: review (blocking) then L2 handling. */
async function closeTickets(app: TestApp, ids: readonly string[]): Promise<void> {
  const { tasks } = app.app.services;
  for (const id of ids) {
    const review = (await tasks.list({ limit: 500 }, agent)).find((task) => task.instanceId === id);
    await tasks.complete(review!.id, { priority: 'blocking' }, agent);
    const handle = (await tasks.list({ limit: 500 }, specialist)).find((task) => task.instanceId === id);
    await tasks.complete(handle!.id, { solution: 'fixed it' }, specialist);
  }
}

/** What `/inbox` does: the agent's visible tasks (up to 500), joined with their tickets. */
async function inboxReads(app: TestApp): Promise<number[]> {
  const { tasks, inbox } = app.app.services;
  const times: number[] = [];
  for (let i = 0; i < INBOX_READS; i++) {
    const t = performance.now();
    await inbox.entries(await tasks.list({ limit: 500 }, agent));
    times.push(performance.now() - t);
  }
  return times;
}

/** AGENTS workers completing the oldest review tasks at once, in rounds of the inbox's 500, until COMPLETIONS. */
async function concurrentCompletions(app: TestApp): Promise<number[]> {
  const { tasks } = app.app.services;
  const times: number[] = [];
  const t0 = performance.now();
  while (times.length < COMPLETIONS) {
    const round = await tasks.list({ limit: Math.min(500, COMPLETIONS - times.length) }, agent);
    if (!round.length) break;
    let next = 0;
    await Promise.all(
      Array.from({ length: AGENTS }, async (_, n) => {
        const actor: Actor = { id: `agent${n}`, roles: ['agent'], groups: ['l1'] };
        for (let task = round[next++]; task; task = round[next++]) {
          const t = performance.now();
          await tasks.complete(task.id, { priority: 'blocking' }, actor);
          times.push(performance.now() - t);
        }
      }),
    );
  }
  log(`  ${(times.length / ((performance.now() - t0) / 1000)).toFixed(1)} completions/s`);
  return times;
}

/**
 * AGENTS agents working as at a desk: each completes its next task, then pauses THINK_MS (±50 %,
 * starts spread over one pause) before the next, until `count` completions.
 */
async function pacedCompletions(app: TestApp, count: number): Promise<number[]> {
  const { tasks } = app.app.services;
  const queue = await tasks.list({ limit: Math.min(500, count) }, agent);
  const times: number[] = [];
  let next = 0;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  await Promise.all(
    Array.from({ length: AGENTS }, async (_, n) => {
      const actor: Actor = { id: `desk${n}`, roles: ['agent'], groups: ['l1'] };
      await pause(Math.random() * THINK_MS);
      for (let task = queue[next++]; task && times.length < count; task = queue[next++]) {
        const t = performance.now();
        await tasks.complete(task.id, { priority: 'blocking' }, actor);
        times.push(performance.now() - t);
        await pause(THINK_MS * (0.5 + Math.random()));
      }
    }),
  );
  return times;
}

/** Raw bpmn-engine on the same model, state kept in memory, parsed model reused (as the runner does). */
async function rawEngine(): Promise<number> {
  const moddleContext = await new BpmnModdle().fromXML(xml);
  const t0 = performance.now();
  for (let i = 0; i < RATIO_INSTANCES; i++) {
    await rawReviewRun({ moddleContext }, intake);
  }
  return RATIO_INSTANCES / ((performance.now() - t0) / 1000);
}

/**
 * The runner: start + complete the review, every wait stored, with the open work in place; one
 * ticket at a time (latency-bound: the app waits on the database between commands), or
 * `concurrency` at a time as a server runs them (the raw engine, all CPU, gains nothing from that).
 */
async function persistedRunner(app: TestApp, concurrency: number): Promise<number> {
  const { instances, tasks } = app.app.services;
  let left = RATIO_INSTANCES;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) {
        const started = await instances.start('review-request', intake, agent);
        await tasks.complete(started.openTaskIds[0]!, { priority: 'blocking' }, agent);
      }
    }),
  );
  return RATIO_INSTANCES / ((performance.now() - t0) / 1000);
}

await main();
