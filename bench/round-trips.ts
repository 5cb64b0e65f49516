/**
 * Round trips per step (issue 10, "round-trip diet"): how many MongoDB commands start, claim,
 * complete, a BPMN timer firing and a conversation note send, counted through the driver's command
 * monitoring. Counts are deterministic; the shared machine's timings are not, so this is the figure
 * to compare between versions. Prints, per step, the fewest and the most commands over the runs and
 * the breakdown (command, collection) of the fewest.
 * Usage: npm run bench:round-trips [-- <runs per step>]   (default 10)
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../src/domain/actor.js';
import type { TimerJob } from '../src/app/timer-service.js';
import { startTestApp, type TestApp } from '../test/support/harness.js';
import { ManualClock } from '../test/support/manual-clock.js';
import {
  formatRoundTrips,
  monitoredUri,
  QUIET_BACKGROUND,
  RoundTripMeter,
  type RoundTrips,
} from '../test/integration/round-trips/meter.js';
import { percentile, startBenchDatabase, REVIEW_INTAKE } from './bench-support.js';

const RUNS = Math.max(1, Math.min(Number(process.argv[2] ?? 10), 1000));
const agent: Actor = { id: 'luis', roles: ['agent'], groups: ['l1', 'central-desk'] };
const intake = REVIEW_INTAKE;

/** One step to measure: `prepare` runs unmeasured, `step` is counted. */
interface Step {
  readonly name: string;
  prepare(app: TestApp, clock: ManualClock): Promise<() => Promise<unknown>>;
}

const STEPS: readonly Step[] = [
  { name: 'start', prepare: async (app) => () => reviewTicket(app) },
  {
    name: 'claim',
    prepare: async (app) => {
      const { taskId } = await reviewTicket(app);
      return () => app.app.services.tasks.claim(taskId, agent);
    },
  },
  {
    name: 'complete',
    prepare: async (app) => {
      const { taskId } = await reviewTicket(app);
      return () => app.app.services.tasks.complete(taskId, { priority: 'blocking' }, agent);
    },
  },
  {
    name: 'timer fire',
    prepare: async (app, clock) => {
      const timed = await app.app.services.instances.start('sla-escalation', {}, agent);
      const warn = timed.timers.find((timer) => timer.activityId === 'warn')!;
      const job: TimerJob = { instanceId: timed.id, activityId: 'warn', executionId: warn.executionId };
      clock.advance(2000);
      return () => app.app.services.timers.fire(job);
    },
  },
  {
    name: 'note',
    prepare: async (app) => {
      const { id } = await reviewTicket(app);
      return () => app.app.services.conversations.add(id, { kind: 'note', body: 'called back' }, agent);
    },
  },
];

async function reviewTicket(app: TestApp): Promise<{ id: string; taskId: string }> {
  const started = await app.app.services.instances.start('review-request', intake, agent);
  return { id: started.id, taskId: started.openTaskIds[0]! };
}

async function main(): Promise<void> {
  const db = await startBenchDatabase('bench-round-trips');
  const clock = new ManualClock(new Date());
  const app = await startTestApp({
    dbName: `rt_${randomUUID().slice(0, 8)}`,
    clock,
    timerPollMs: 60_000,
    env: {
      MONGODB_URI: monitoredUri(process.env.TEST_MONGODB_URI!),
      ...QUIET_BACKGROUND,
    },
  });
  const meter = new RoundTripMeter(app.app.database.connection.getClient());
  try {
    const warm = await reviewTicket(app);
    await app.app.services.tasks.complete(warm.taskId, { priority: 'blocking' }, agent);
    await app.app.services.instances.start('sla-escalation', {}, agent);
    console.log(`bench:round-trips, ${RUNS} runs per step, ${new Date().toISOString()}`);
    console.log('step        fewest  most  median ms');
    const tables: string[] = [];
    for (const step of STEPS) {
      const runs: { trips: RoundTrips; ms: number }[] = [];
      for (let run = 0; run < RUNS; run++) {
        const work = await step.prepare(app, clock);
        const t0 = performance.now();
        const trips = await meter.measure(work);
        runs.push({ trips, ms: performance.now() - t0 });
      }
      const totals = runs.map((run) => run.trips.total);
      const fewest = runs.find((run) => run.trips.total === Math.min(...totals))!;
      const ms = percentile(
        runs.map((run) => run.ms),
        50,
      );
      console.log(
        `${step.name.padEnd(11)} ${String(Math.min(...totals)).padStart(6)} ${String(Math.max(...totals)).padStart(5)}  ${ms.toFixed(1).padStart(9)}`,
      );
      tables.push(formatRoundTrips(step.name, fewest.trips));
    }
    console.log(`\n${tables.join('\n')}`);
  } finally {
    meter.close();
    await app.stop();
    await db.stop();
  }
}

await main();
