import { MongoClient } from 'mongodb';
import { reportsBehind } from './report-audit.js';

/** What a chaos run left in the database, each figure expected to be 0. */
export interface ChaosAudit {
  readonly tickets: number;
  readonly steps: number;
  /** Committed steps whose head, or the tasks the head waits on, were never written. */
  readonly orphanedSteps: number;
  /** Breaches neither escalated nor recorded as skipped, and running clocks left overdue. */
  readonly lostEscalations: number;
  /** Up to 10 `<instance>/<clock> (status)` of the lost ones, to look into. */
  readonly lostSample: readonly string[];
  readonly duplicatedEscalations: number;
  readonly duplicatedCompletions: number;
  /** Timers of running tickets more than a minute overdue. */
  readonly overdueTimers: number;
  /** Timers of running tickets due by now (the drain waits for these to have fired). */
  readonly timersDue: number;
  readonly emailsInOutbox: number;
  readonly emailsUndelivered: number;
  /** Tickets the month reports miss or show at an older step than their head. */
  readonly reportsBehind: number;
  /** Up to 10 of them. */
  readonly reportsBehindSample: readonly string[];
}

type Doc = Record<string, any>;

/** Reads every ticket of the run once and checks it (a scan is fine here: this is after the run). */
export async function auditRun(uri: string, dbName: string, now: Date): Promise<ChaosAudit> {
  const client = await MongoClient.connect(uri);
  try {
    const db = client.db(dbName);
    const events = await db
      .collection('instance_events')
      .find({}, { projection: { head: 0, effects: 0 } })
      .toArray();
    const heads = await db
      .collection('instances')
      .find({}, { projection: { engineState: 0 } })
      .toArray();
    const tasks = await db
      .collection('tasks')
      .find({}, { projection: { data: 0 } })
      .toArray();
    const outbox = await db
      .collection('outbox')
      .find({}, { projection: { _id: 1 } })
      .toArray();
    const outcomes = await db.collection('delivery_outcomes').find({}).toArray();
    return {
      tickets: heads.length,
      steps: events.length,
      orphanedSteps: orphaned(events, heads, tasks),
      ...escalations(events, heads, now),
      duplicatedCompletions: duplicates(
        events.filter((e) => e.type === 'task.completed').map((e) => String(e.data?.taskId)),
      ),
      overdueTimers: heads.filter(
        (h) =>
          h.status === 'running' &&
          (h.timers ?? []).some((t: Doc) => new Date(t.dueAt).getTime() < now.getTime() - 60_000),
      ).length,
      timersDue: heads.filter(
        (h) =>
          h.status === 'running' &&
          (h.timers ?? []).some((t: Doc) => new Date(t.dueAt).getTime() <= now.getTime()),
      ).length,
      emailsInOutbox: outbox.length,
      emailsUndelivered: outbox.length - outcomes.filter((o) => o.state === 'sent').length,
      ...(await reportsBehind(uri, dbName, heads)),
    };
  } finally {
    await client.close();
  }
}

function orphaned(events: Doc[], heads: Doc[], tasks: Doc[]): number {
  const lastSeq = new Map<string, number>();
  for (const e of events) lastSeq.set(e.instanceId, Math.max(lastSeq.get(e.instanceId) ?? 0, e.seq));
  const headById = new Map(heads.map((h) => [String(h._id), h]));
  const taskById = new Map(tasks.map((t) => [String(t._id), t]));
  let count = 0;
  for (const [id, seq] of lastSeq) {
    const head = headById.get(id);
    if (!head || head.seq < seq) count++;
    else if ((head.openTaskIds ?? []).some((taskId: string) => taskById.get(taskId)?.status !== 'open'))
      count++;
  }
  return count;
}

/** Per clock breach: escalated by its timer (`sla.breach`) or caught up by a step (`slaEscalations`). */
function escalations(events: Doc[], heads: Doc[], now: Date) {
  const handled = new Map<string, number>();
  const add = (key: string) => handled.set(key, (handled.get(key) ?? 0) + 1);
  for (const e of events) {
    if (e.type === 'sla.breach') add(`${e.instanceId}/${e.data?.clock}`);
    for (const late of e.data?.slaEscalations ?? [])
      if (late.threshold === 'breach') add(`${e.instanceId}/${late.clock}`);
  }
  const lost: string[] = [];
  for (const head of heads) {
    for (const clock of head.sla ?? []) {
      const key = `${head._id}/${clock.id}`;
      // A running clock keeps a due instant in the past once breached: lost only if never escalated.
      const overdueRunning =
        clock.status === 'running' && clock.dueAt && new Date(clock.dueAt).getTime() < now.getTime() - 60_000;
      const breached = clock.breachReachedAt || overdueRunning;
      if (breached && clock.status !== 'cancelled' && !handled.has(key))
        lost.push(`${key} (${clock.status})`);
    }
  }
  const duplicatedEscalations = [...handled.values()].filter((n) => n > 1).length;
  return { lostEscalations: lost.length, lostSample: lost.slice(0, 10), duplicatedEscalations };
}

function duplicates(keys: string[]): number {
  const seen = new Map<string, number>();
  for (const key of keys) seen.set(key, (seen.get(key) ?? 0) + 1);
  return [...seen.values()].filter((n) => n > 1).length;
}
