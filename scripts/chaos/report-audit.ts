import { connectDatabase } from '../../src/adapters/db/connect.js';
import { MongoReportStore } from '../../src/adapters/persistence/mongo-report-store.js';

/** A ticket's head document as the audit reads it (`_id`, `seq`, `updatedAt` used). */
type HeadDoc = Readonly<Record<string, unknown>>;

const DAY = 86_400_000;
const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);

/**
 * Tickets whose reporting read model (docs/adr/0027), read as a report reads it, lacks them or
 * holds an older step than their head: the month buckets of each head's last step (the UTC month
 * and the ones a day either side, whatever the app's time zone), merged by highest step.
 */
export async function reportsBehind(uri: string, dbName: string, heads: readonly HeadDoc[]) {
  const database = await connectDatabase(uri, dbName);
  try {
    const store = new MongoReportStore(database.connection);
    const months = new Set<string>();
    for (const head of heads) {
      const at = new Date(head.updatedAt as Date).getTime();
      for (const ms of [at - DAY, at, at + DAY]) months.add(monthOf(ms));
    }
    const latest = new Map<string, number>();
    for (const month of months)
      for (const facts of await store.month(month))
        latest.set(facts.id, Math.max(latest.get(facts.id) ?? 0, facts.seq));
    const behind = heads.filter((head) => (latest.get(String(head._id)) ?? 0) < Number(head.seq));
    return {
      reportsBehind: behind.length,
      reportsBehindSample: behind.slice(0, 10).map((h) => String(h._id)),
    };
  } finally {
    await database.close();
  }
}
