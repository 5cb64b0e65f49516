/**
 * A process whose timer handler never finishes: it takes a due timer job through the real
 * AgendaScheduler, prints `FIRING <instanceId>` and hangs, so a test can SIGKILL it while it holds
 * the job's lock. Environment: MONGODB_URI, HELPDESK_DB_NAME.
 */
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { systemClock } from '../../src/adapters/clock/system-clock.js';
import { AgendaScheduler } from '../../src/adapters/scheduler/agenda-scheduler.js';
import type { TimerJob, TimerService } from '../../src/app/timer-service.js';
import { loadConfig } from '../../src/config.js';

const config = loadConfig();
const client = await MongoClient.connect(process.env.MONGODB_URI!);
const scheduler = new AgendaScheduler(
  client.db(config.dbName),
  { processEveryMs: 100, lockLifetimeMs: config.timerLockLifetimeMs },
  systemClock,
);
const hanging = {
  fire: (job: TimerJob) => {
    process.stdout.write(`FIRING ${job.instanceId}\n`);
    return new Promise(() => undefined);
  },
} as unknown as TimerService;
await scheduler.start(hanging, pino({ level: 'silent' }));
process.stdout.write('READY\n');
