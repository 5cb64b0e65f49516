/**
 * Benchmark (a script, not a timed test): SLA escalation lateness, i.e. when the `sla.breach`
 * step commits minus the clock's due instant, for real tickets escalated through Agenda,
 * first with an empty scheduler, then with N other SLA timers pending in it.
 * The N pending timers are scheduler jobs for synthetic tickets due in a day (creating N real
 * tickets would take most of an hour on the embedded database); they weigh on every poll and
 * every insert exactly like real ones.
 * Usage: npm run bench:sla [-- <pending timers> <escalated tickets>]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db } from 'mongodb';
import { EmbeddedFerretDb } from '../src/adapters/db/embedded-ferretdb.js';
import { AgendaScheduler } from '../src/adapters/scheduler/agenda-scheduler.js';
import type { Actor } from '../src/domain/actor.js';
import { startTestApp, type TestApp } from '../test/support/harness.js';
import { freePort, percentile } from './bench-support.js';

const PENDING = Number(process.argv[2] ?? 10_000);
const TICKETS = Number(process.argv[3] ?? 100);
const FIXTURE = path.resolve('bench/fixtures/sla-bench');
const agent: Actor = { id: 'luis', roles: ['agent'], groups: ['l1'] };
const supervisor: Actor = { id: 'sofia', roles: ['supervisor'], groups: [] };
const log = (message: string) => process.stderr.write(`${message}\n`);

async function main(): Promise<void> {
  const db = new EmbeddedFerretDb({
    dataDir: mkdtempSync(path.join(tmpdir(), 'helpdesk-bench-sla-')),
    port: await freePort(),
  });
  await db.start();
  process.env.TEST_MONGODB_URI = db.uri;
  const app = await startTestApp({
    processesDir: path.join(FIXTURE, 'processes'),
    configDir: path.join(FIXTURE, 'config'),
    timerPollMs: 500,
  });
  try {
    log(`baseline: ${TICKETS} tickets, no other timers pending…`);
    const baseline = await escalationLateness(app);
    log(`loading ${PENDING} pending SLA timers…`);
    const { perJobMs } = await loadPendingTimers(app, PENDING);
    const pending = await app.app.database.connection.db!.collection('agendaJobs').countDocuments({});
    log(`  ${pending} jobs in the scheduler`);
    log(`loaded: ${TICKETS} tickets with ${PENDING} timers pending…`);
    const loaded = await escalationLateness(app);

    const ms = (v: number) => `${v.toFixed(0)} ms`;
    const line = (name: string, values: number[]) =>
      `${name} (${values.length}/${TICKETS} escalated) p50 ${ms(percentile(values, 50))}  p99 ${ms(percentile(values, 99))}`;
    console.log(`bench:sla ${TICKETS} tickets, FerretDB (SQLite), poll 500 ms, ${new Date().toISOString()}`);
    console.log(line('escalation lateness, 0 pending      ', baseline));
    console.log(line(`escalation lateness, ${PENDING} pending`, loaded));
    console.log(
      `p50 ratio loaded/baseline ${(percentile(loaded, 50) / percentile(baseline, 50)).toFixed(1)}x; scheduling one SLA timer through the adapter ${perJobMs.toFixed(1)} ms (first 300 jobs)`,
    );
  } finally {
    await app.stop();
    await db.stop();
  }
}

/** Opens tickets whose 25-second SLA breaches while they wait, and measures each escalation. */
async function escalationLateness(app: TestApp): Promise<number[]> {
  const { instances } = app.app.services;
  const due = new Map<string, number>();
  for (let i = 0; i < TICKETS; i++) {
    const started = await instances.start('bench-desk', {}, agent);
    due.set(started.id, new Date(started.sla![0]!.dueAt!).getTime());
  }
  const lateness = new Map<string, number>();
  const deadline = Date.now() + 180_000;
  while (lateness.size < due.size && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    for (const [id, dueAt] of due) {
      if (lateness.has(id)) continue;
      const view = await instances.get(id, supervisor);
      const breach = view.events.find((event) => event.type === 'sla.breach');
      if (breach) lateness.set(id, new Date(breach.at).getTime() - dueAt);
    }
    log(`  escalated ${lateness.size}/${due.size}`);
  }
  return [...lateness.values()];
}

/**
 * Puts N SLA breach timers due in a day into the scheduler. The first ones go through the
 * app's scheduler adapter (timed: that is the per-timer cost of every step); the rest are
 * copies of those job documents inserted in bulk, since the adapter's de-duplicating upsert
 * scans the job collection on FerretDB and N of them would take most of an hour.
 */
async function loadPendingTimers(app: TestApp, count: number): Promise<{ perJobMs: number }> {
  const db = app.app.database.connection.db as unknown as Db;
  const scheduler = new AgendaScheduler(db);
  const dueAt = new Date(Date.now() + 86_400_000);
  const timer = (i: number) => ({
    activityId: 'sla:resolution',
    executionId: `sla:resolution:breach:${i}`,
    dueAt,
    timerType: 'sla-breach',
    value: 'Resolution',
  });
  const viaAdapter = Math.min(count, 300);
  const t0 = performance.now();
  for (let i = 0; i < viaAdapter; i++) await scheduler.schedule(`bench-pending-${i}`, [timer(i)]);
  const perJobMs = (performance.now() - t0) / Math.max(1, viaAdapter);
  const jobs = db.collection('agendaJobs');
  const template = await jobs.findOne({ 'data.instanceId': 'bench-pending-0' });
  if (!template) throw new Error('the scheduler adapter stored no job to copy');
  const { _id: _ignored, ...shape } = template;
  for (let i = viaAdapter; i < count; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, count - i) }, (_, k) => ({
      ...shape,
      data: {
        instanceId: `bench-pending-${i + k}`,
        activityId: 'sla:resolution',
        executionId: timer(i + k).executionId,
      },
    }));
    await jobs.insertMany(batch);
    log(`  ${i + batch.length}/${count}`);
  }
  return { perJobMs };
}

await main();
