/**
 * Chaos run (a script, not part of `npm test`): two app processes on one database under a steady
 * desk load, one killed with SIGKILL every 30–60 s and restarted; optionally each process also kills
 * itself at a fault point (inside the commit window, inside mail delivery). Prints what was lost or
 * doubled; every figure but same-Message-ID email repeats must be 0, and ready ≤ 10 s.
 * Usage: npm run chaos -- [--minutes 10] [--rate 1] [--kill-every 30-60] [--fault after-commit|after-smtp]
 *        [--fault-probability 0.02] [--drain 120] [--keep]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EmbeddedFerretDb } from '../../src/adapters/db/embedded-ferretdb.js';
import { freePort, percentile } from '../../bench/bench-support.js';
import { startSmtpSink } from '../../test/support/smtp-sink.js';
import { auditRun, type ChaosAudit } from './audit.js';
import { AppSlot, sleep } from './cluster.js';
import { DeskLoad } from './load.js';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '1' },
    'kill-every': { type: 'string', default: '30-60' },
    fault: { type: 'string' },
    'fault-probability': { type: 'string', default: '0.02' },
    drain: { type: 'string', default: '120' },
    keep: { type: 'boolean', default: false },
  },
});
const [killMin, killMax] = (args['kill-every'] ?? '30-60').split('-').map(Number) as [number, number];
const faultEnv: Record<string, string> = args.fault
  ? {
      HELPDESK_FAULT_KILL_AT: args.fault,
      HELPDESK_FAULT_KILL_PROBABILITY: args['fault-probability'] ?? '0.02',
    }
  : {};

const dataDir = mkdtempSync(path.join(tmpdir(), 'helpdesk-chaos-'));
const db = process.env.MONGODB_URI ? undefined : new EmbeddedFerretDb({ dataDir, port: await freePort() });
await db?.start();
const mongoUri = process.env.MONGODB_URI ?? db!.uri;
const dbName = `chaos_${Date.now()}`;
const sink = await startSmtpSink();
const settings = { mongoUri, dbName, smtpPort: sink.port, extraEnv: faultEnv };
const slots = [new AppSlot('a', await freePort(), settings), new AppSlot('b', await freePort(), settings)];
// A run that fails outright still stops what it started: no app process or database left running.
const abort = (error: unknown) => {
  process.stderr.write(`chaos: aborted: ${error instanceof Error ? error.stack : String(error)}\n`);
  void Promise.allSettled([...slots.map((slot) => slot.kill()), sink.stop(), db?.stop()]).finally(() => {
    if (!args.keep) rmSync(dataDir, { recursive: true, force: true });
    process.exit(1);
  });
};
process.on('uncaughtException', abort);
process.on('unhandledRejection', abort);
await Promise.all(slots.map((slot) => slot.start()));

let kills = 0;
let running = true;
const restarting = new Set<AppSlot>();
/** Restarts any slot that died (killed by us, or by its own fault point). */
const watcher = (async () => {
  while (running) {
    for (const slot of slots) {
      if (slot.alive || restarting.has(slot)) continue;
      restarting.add(slot);
      // A process may die at its fault point while it starts (its recovery rolls steps forward):
      // the next round restarts it again.
      void slot
        .start()
        .catch((error: Error) => process.stdout.write(`chaos: ${error.message}, restarting\n`))
        .finally(() => restarting.delete(slot));
    }
    await sleep(100);
  }
})();

const load = new DeskLoad(slots, Number(args.rate));
load.start();
const endAt = Date.now() + Number(args.minutes) * 60_000;
process.stdout.write(
  `chaos: ${args.minutes} min, ${args.rate} tickets/s, kill every ${killMin}-${killMax} s${args.fault ? `, fault ${args.fault}` : ''}\n`,
);
while (Date.now() < endAt) {
  await sleep(Math.min(endAt - Date.now(), (killMin + Math.random() * (killMax - killMin)) * 1000));
  if (Date.now() >= endAt) break;
  const victim = slots[Math.floor(Math.random() * slots.length)] as AppSlot;
  await victim.kill();
  kills++;
  process.stdout.write(`chaos: killed ${victim.name} (${kills})\n`);
}
await load.stop();
// Faults off for the drain: the processes must now finish every piece of work.
running = false;
await watcher;
await Promise.all(slots.map((slot) => slot.stop()));
settings.extraEnv = {};
await Promise.all(slots.map((slot) => slot.start()));
await drain(Number(args.drain) * 1000);
await Promise.all(slots.map((slot) => slot.stop()));
// The figures come from the database at rest: read while the processes still work, the steps and
// the heads would be read at different moments.
const audit = await auditRun(mongoUri, dbName, new Date());
await sink.stop();
await db?.stop();
if (args.keep) process.stdout.write(`chaos: database kept in ${dataDir} (${dbName})\n`);
else rmSync(dataDir, { recursive: true, force: true });
report(audit);

/**
 * Lets the processes finish: at least a minute (every SLA timer of the fixture falls within 40 s of
 * its ticket's opening), then until no timer is due and every email is sent, or the limit.
 */
async function drain(limitMs: number): Promise<ChaosAudit> {
  const until = Date.now() + limitMs;
  await sleep(Math.min(60_000, limitMs));
  for (;;) {
    const audit = await auditRun(mongoUri, dbName, new Date());
    const settled = audit.timersDue === 0 && audit.emailsUndelivered === 0;
    if (settled || Date.now() > until) return audit;
    await sleep(5000);
  }
}

function report(audit: ChaosAudit): void {
  const byMessageId = new Map<string, number>();
  for (const mail of sink.received) {
    const id = mail.headers['message-id'] ?? '';
    byMessageId.set(id, (byMessageId.get(id) ?? 0) + 1);
  }
  const readyTimes = slots.flatMap((slot) => slot.readyTimes.slice(1));
  const figures = {
    ...audit,
    kills,
    restarts: readyTimes.length,
    emailsReceived: sink.received.length,
    emailRepeatsSameMessageId: [...byMessageId.values()].filter((n) => n > 1).length,
    readyMsMedian: percentile(readyTimes, 50),
    readyMsMax: readyTimes.length ? Math.max(...readyTimes) : Number.NaN,
    answers: Object.fromEntries(load.tally.statuses),
    doubleCompletions: load.tally.doubleCompletions,
    badRaces: load.tally.badRaces.length,
    startsRetried: load.tally.retriedStarts,
  };
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  const mustBeZero = [
    'orphanedSteps',
    'lostEscalations',
    'duplicatedEscalations',
    'duplicatedCompletions',
    'overdueTimers',
    'emailsUndelivered',
    'reportsBehind',
    'badRaces',
  ] as const;
  const failed = mustBeZero.filter((key) => figures[key] !== 0);
  const slow = figures.readyMsMax > 10_000;
  process.stdout.write(
    failed.length || slow
      ? `chaos: FAIL ${[...failed, ...(slow ? ['ready > 10 s'] : [])].join(', ')}\n`
      : 'chaos: PASS\n',
  );
  process.exitCode = failed.length || slow ? 1 : 0;
}
