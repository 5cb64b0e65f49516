/**
 * Benchmark (a script, not a timed test). One run, one machine, printed figures:
 * - instances/s of the persisted runner vs raw in-memory bpmn-engine on the same model;
 * - per-wait persistence cost (start to first wait, complete to next wait) p50/p99;
 * - heap per waiting instance;
 * - timer lateness p50/p99 with N pending timers fired by Agenda.
 * Usage: npm run bench [-- <instances> <timers>]
 */
import { readFileSync } from 'node:fs';
import BpmnModdle from 'bpmn-moddle';
import type { Actor } from '../src/domain/actor.js';
import { startTestApp } from '../test/support/harness.js';
import { rawReviewRun, startBenchDatabase, percentile, REVIEW_INTAKE } from './bench-support.js';

const INSTANCES = Number(process.argv[2] ?? 200);
const TIMERS = Number(process.argv[3] ?? 200);
const xml = readFileSync('test/fixtures/processes/review-request.bpmn', 'utf8');
const intake = REVIEW_INTAKE;
const agent: Actor = { id: 'luis', roles: ['agent'], groups: ['l1'] };
const supervisor: Actor = { id: 'sofia', roles: ['supervisor'], groups: [] };
const log = (message: string) => process.stderr.write(`${message}\n`);

/** Raw bpmn-engine, state kept in memory; `cached` reuses one parsed moddle context like the runner does. */
async function rawEngine(cached: boolean): Promise<number> {
  const moddleContext = cached ? await new BpmnModdle().fromXML(xml) : undefined;
  const t0 = performance.now();
  for (let i = 0; i < INSTANCES; i++) {
    await rawReviewRun(moddleContext ? { moddleContext } : { source: xml }, intake);
  }
  return INSTANCES / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const db = await startBenchDatabase('bench');
  const app = await startTestApp({ timerPollMs: 500 });
  const { instances, tasks } = app.app.services;
  try {
    log(`raw engine, ${INSTANCES} instances…`);
    const rawParsing = await rawEngine(false);
    const raw = await rawEngine(true);

    log(`persisted runner, ${INSTANCES} instances…`);
    const startMs: number[] = [];
    const completeMs: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < INSTANCES; i++) {
      let t = performance.now();
      const started = await instances.start('review-request', intake, agent);
      startMs.push(performance.now() - t);
      const [review] = await tasks
        .list({ procedureId: 'review-request' }, agent)
        .then((list) => list.filter((task) => task.instanceId === started.id));
      t = performance.now();
      await tasks.complete(review!.id, { priority: 'blocking' }, agent);
      completeMs.push(performance.now() - t);
    }
    const persisted = INSTANCES / ((performance.now() - t0) / 1000);

    log('heap per waiting instance…');
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < INSTANCES; i++) await instances.start('review-request', intake, agent);
    global.gc?.();
    const heapPerInstance = (process.memoryUsage().heapUsed - heapBefore) / INSTANCES;

    log(`${TIMERS} pending SLA timers…`);
    const due = new Map<string, number>();
    for (let i = 0; i < TIMERS; i++) {
      const started = await instances.start('sla-escalation', {}, agent);
      const warn = started.timers.find((timer) => timer.activityId === 'warn');
      due.set(started.id, new Date(warn!.dueAt).getTime());
    }
    const lateness = await collectLateness(due, async (id) => {
      const view = await instances.get(id, supervisor);
      const fired = view.events.find((event) => event.type === 'timer.fired');
      return fired ? new Date(fired.at).getTime() : undefined;
    });

    const ms = (value: number) => `${value.toFixed(1)} ms`;
    console.log(
      `bench: ${INSTANCES} instances, ${TIMERS} pending timers, FerretDB (SQLite), ${new Date().toISOString()}`,
    );
    console.log(
      `raw bpmn-engine, parse XML each time  ${rawParsing.toFixed(1)} instances/s (start + one task, state serialized)`,
    );
    console.log(`raw bpmn-engine, parsed model cached  ${raw.toFixed(1)} instances/s`);
    console.log(
      `persisted runner (FerretDB)           ${persisted.toFixed(1)} instances/s  (raw/persisted = ${(raw / persisted).toFixed(1)}x)`,
    );
    console.log(
      `start -> first wait, stored p50 ${ms(percentile(startMs, 50))}  p99 ${ms(percentile(startMs, 99))}`,
    );
    console.log(
      `complete -> next wait, stored p50 ${ms(percentile(completeMs, 50))}  p99 ${ms(percentile(completeMs, 99))}`,
    );
    console.log(
      `heap per waiting instance   ${(heapPerInstance / 1024).toFixed(2)} KiB${global.gc ? '' : ' (no --expose-gc: rough)'}`,
    );
    console.log(
      `timer lateness (${lateness.length}/${TIMERS} fired) p50 ${ms(percentile(lateness, 50))}  p99 ${ms(percentile(lateness, 99))}`,
    );
  } finally {
    await app.stop();
    await db.stop();
  }
}

/** Waits until every timer fired (or 120 s pass) and returns fired-at minus due-at per timer. */
async function collectLateness(
  due: Map<string, number>,
  firedAt: (id: string) => Promise<number | undefined>,
) {
  const lateness = new Map<string, number>();
  const deadline = Date.now() + 120_000;
  while (lateness.size < due.size && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const [id, dueAt] of due) {
      if (lateness.has(id)) continue;
      const at = await firedAt(id);
      if (at !== undefined) lateness.set(id, at - dueAt);
    }
    log(`  fired ${lateness.size}/${due.size}`);
  }
  return [...lateness.values()];
}

await main();
