/**
 * Benchmark (a script, not a timed test): SLA escalation lateness, i.e. when the `sla.breach`
 * step commits minus the clock's due instant, for real tickets escalated through Agenda,
 * first with an empty scheduler, then with N other SLA timers pending in it.
 * The N pending timers belong to open tickets due in a day, opened through the runner (loadPendingTimers).
 * Run with HELPDESK_TIMER_HORIZON_MS=0 to put every timer into Agenda at once instead.
 * Usage: npm run bench:sla [-- <pending timers> <escalated tickets> <ms between tickets>]
 */
import path from 'node:path';
import type { Actor } from '../src/domain/actor.js';
import { startTestApp, type TestApp } from '../test/support/harness.js';
import { openTickets, startBenchDatabase, percentile } from './bench-support.js';

const PENDING = Number(process.argv[2] ?? 10_000);
const TICKETS = Number(process.argv[3] ?? 100);
/** One ticket opened (and so one escalation due) every ARRIVAL_MS. */
const ARRIVAL_MS = Number(process.argv[4] ?? 500);
const FIXTURE = path.resolve('bench/fixtures/sla-bench');
const agent: Actor = { id: 'luis', roles: ['agent'], groups: ['l1'] };
const supervisor: Actor = { id: 'sofia', roles: ['supervisor'], groups: [] };
const log = (message: string) => process.stderr.write(`${message}\n`);

async function main(): Promise<void> {
  const db = await startBenchDatabase('bench-sla');
  const app = await startTestApp({
    processesDir: path.join(FIXTURE, 'processes'),
    configDir: path.join(FIXTURE, 'config'),
    timerPollMs: 500,
    env: { HELPDESK_TIMER_HORIZON_MS: process.env.HELPDESK_TIMER_HORIZON_MS ?? '600000' },
  });
  try {
    log(`baseline: ${TICKETS} tickets, no other timers pending…`);
    const baseline = await escalationLateness(app);
    log(`loading ${PENDING} pending SLA timers…`);
    await loadPendingTimers(app, PENDING);
    log(`loaded: ${TICKETS} tickets with ${PENDING} timers pending…`);
    const loaded = await escalationLateness(app);

    const ms = (v: number) => `${v.toFixed(0)} ms`;
    const line = (name: string, values: number[]) =>
      `${name} (${values.length}/${TICKETS} escalated) p50 ${ms(percentile(values, 50))}  p99 ${ms(percentile(values, 99))}`;
    const horizon = process.env.HELPDESK_TIMER_HORIZON_MS ?? '600000';
    console.log(
      `bench:sla ${TICKETS} tickets, one every ${ARRIVAL_MS} ms, FerretDB (SQLite), poll 500 ms, timer horizon ${horizon} ms, ${new Date().toISOString()}`,
    );
    console.log(line('escalation lateness, 0 pending      ', baseline));
    console.log(line(`escalation lateness, ${PENDING} pending`, loaded));
    console.log(
      `p50 ratio loaded/baseline ${(percentile(loaded, 50) / percentile(baseline, 50)).toFixed(1)}x`,
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
    const opened = performance.now();
    const started = await instances.start('bench-desk', {}, agent);
    due.set(started.id, new Date(started.sla![0]!.dueAt!).getTime());
    // A steady arrival rate, so lateness measures timing rather than a burst queueing on the database.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, ARRIVAL_MS - (performance.now() - opened))),
    );
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
 * Gives the app N more open tickets whose SLA breach timers are due in a day, opened through the
 * runner (`bench-backlog`, SLA P1D), so `instance_events`, `tasks` and the heads hold their real
 * steps. Like real far-away timers, they wait beyond the scheduler's horizon.
 */
async function loadPendingTimers(app: TestApp, count: number): Promise<void> {
  await openTickets(app, 'bench-backlog', count, (done) => log(`  ${done}/${count}`));
}

await main();
