import { randomUUID } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { Schema, type Connection, type Model } from 'mongoose';
import { KeyedMutex } from '../../app/keyed-mutex.js';
import {
  detailOf,
  withoutDetail,
  type ReportFactsStore,
  type TicketVisits,
} from '../../app/reports-ports.js';
import type { TicketFacts } from '../../domain/reports/facts.js';
import { ignoreDuplicate, isDuplicateKey, modelOn } from './models.js';

const lean = { versionKey: false, strict: true, minimize: false } as const;
const factsSchema = new Schema(
  { _id: String, seq: Number, data: String },
  { ...lean, collection: 'report_facts' },
);
const bucketSchema = new Schema(
  { _id: String, writer: String, chunks: Number, data: Buffer },
  { ...lean, collection: 'report_buckets' },
);

/** Tickets per bucket chunk (~150 KB of JSON, ~15 KB deflated). */
export const CHUNK_TICKETS = 200;
/** Most writer slots one month may have (one per app process that wrote in it). */
const MAX_SLOTS = 10_000;
/** Chunks read at once when a report reads a month. */
const READ_CONCURRENCY = 6;
/** Chunks of older months kept in memory for rewriting. */
const CACHED_CHUNKS = 16;

/** This writer's slot in one month: its chunks and which chunk holds each ticket. */
interface MonthSlot {
  readonly slot: number;
  chunks: number;
  readonly where: Map<string, number>;
}

const slotId = (month: string, slot: number) => `${month}:w${slot}`;
const chunkId = (month: string, slot: number, chunk: number) => `${slotId(month, slot)}:c${chunk}`;
/** The visits of a chunk's tickets live in their own row: reports never read them. */
const visitsId = (chunk: string) => `${chunk}:v`;

/**
 * Reporting read model on MongoDB/FerretDB (docs/adr/0027). `report_facts`: one row per ticket
 * (`_id` = instance id, facts as JSON text). `report_buckets`: per month and writer process a slot
 * row `<YYYY-MM>:w<n>` (taken by a unique insert, so each slot has exactly one writer) and its
 * chunks `<YYYY-MM>:w<n>:c<k>` of up to 500 tickets' facts as deflated JSON (their visits in `…:c<k>:v`). Only its owner
 * rewrites a chunk, so no update is lost without `$inc` or a conditional write; a reader reads a
 * month's slots and chunks by `_id` and keeps each ticket's highest step.
 */
export class MongoReportStore implements ReportFactsStore {
  private readonly facts: Model<Record<string, unknown>>;
  private readonly buckets: Model<Record<string, unknown>>;
  private readonly writer = randomUUID().slice(0, 8);
  private readonly mutex = new KeyedMutex();
  private readonly slots = new Map<string, MonthSlot>();
  private readonly chunkCache = new Map<string, Map<string, TicketFacts>>();
  /** Facts waiting for the month's next flush. */
  private readonly pending = new Map<string, Map<string, TicketFacts>>();

  constructor(connection: Connection) {
    this.facts = modelOn(connection, 'ReportFacts', factsSchema);
    this.buckets = modelOn(connection, 'ReportBucket', bucketSchema);
  }

  /** Waits for the collections to be created (mongoose's `init`): two processes never race to create them. */
  async init(): Promise<void> {
    await this.facts.init().catch(() => undefined);
    await this.buckets.init().catch(() => undefined);
  }

  async load(instanceId: string): Promise<TicketFacts | null> {
    const doc = await this.facts.findById(instanceId).lean();
    return doc ? (JSON.parse(String(doc.data)) as TicketFacts) : null;
  }

  async save(facts: TicketFacts, months: readonly string[]): Promise<void> {
    // Buckets first, the ticket's row last: a crash in between leaves the row behind, so the
    // step is folded and written again by the roll-forward (every write here is idempotent).
    for (const month of months) await this.putInBucket(month, facts);
    const row = { seq: facts.seq, data: JSON.stringify(facts) };
    await ignoreDuplicate(this.facts.replaceOne({ _id: facts.id }, row, { upsert: true }).exec());
  }

  async month(month: string): Promise<TicketFacts[]> {
    return this.readMonth<TicketFacts>(month, (id) => id);
  }

  async visits(month: string): Promise<TicketVisits[]> {
    return this.readMonth<TicketVisits>(month, visitsId);
  }

  /** Reads every chunk row of the month (by `_id`, `rowId` of the chunk id) and keeps each ticket's highest step. */
  private async readMonth<T extends { id: string; seq: number }>(
    month: string,
    rowId: (chunk: string) => string,
  ): Promise<T[]> {
    const ids: string[] = [];
    for (let slot = 0; slot < MAX_SLOTS; slot++) {
      const doc = await this.buckets.findById(slotId(month, slot), { chunks: 1 }).lean();
      if (!doc) break;
      for (let chunk = 0; chunk < Number(doc.chunks ?? 0); chunk++)
        ids.push(rowId(chunkId(month, slot, chunk)));
    }
    const merged = new Map<string, T>();
    await inBatches(ids, READ_CONCURRENCY, async (id) => {
      const doc = await this.buckets.findById(id, { data: 1 }).lean();
      if (!doc?.data) return;
      for (const facts of decode<T>(doc.data)) {
        const known = merged.get(facts.id);
        if (!known || known.seq < facts.seq) merged.set(facts.id, facts);
      }
    });
    return [...merged.values()];
  }

  /**
   * Bulk load (rebuilding the model from history, benchmarks): writes `facts` into a new slot of the
   * month, 250 per chunk, without touching `report_facts`.
   */
  async bulkLoad(month: string, facts: readonly TicketFacts[]): Promise<void> {
    const slot = await this.slotOf(month);
    for (let start = 0; start < facts.length; start += CHUNK_TICKETS) {
      const chunk = slot.chunks;
      await this.buckets.updateOne({ _id: slotId(month, slot.slot) }, { $set: { chunks: chunk + 1 } }).exec();
      slot.chunks = chunk + 1;
      const part = facts.slice(start, start + CHUNK_TICKETS);
      const id = chunkId(month, slot.slot, chunk);
      await this.buckets.create({ _id: visitsId(id), data: encode(part.map(detailOf)) });
      await this.buckets.create({ _id: id, data: encode(part.map(withoutDetail)) });
    }
    this.slots.delete(month);
  }

  /**
   * Queues the facts for the month and waits for a flush that holds them. Steps arriving while a
   * flush runs are written together by the next one (each chunk row once per flush), so a busy desk
   * does not rewrite one chunk per step.
   */
  private async putInBucket(month: string, facts: TicketFacts): Promise<void> {
    const queue = this.pending.get(month) ?? new Map<string, TicketFacts>();
    this.pending.set(month, queue);
    const queued = queue.get(facts.id);
    if (!queued || queued.seq < facts.seq) queue.set(facts.id, facts);
    await this.mutex.run(month, () => this.flush(month));
  }

  /** Writes every queued ticket of the month into its chunk (new tickets fill the last chunk). */
  private async flush(month: string): Promise<void> {
    const queue = this.pending.get(month);
    if (!queue?.size) return;
    this.pending.delete(month);
    try {
      await this.write(month, queue);
    } catch (error) {
      // Back in the queue, and the chunks read again from the database (the cached ones may hold
      // changes that were not written): the next flush (a waiting step's, or the retry's) writes them.
      const again = this.pending.get(month) ?? new Map<string, TicketFacts>();
      for (const facts of queue.values())
        if ((again.get(facts.id)?.seq ?? 0) < facts.seq) again.set(facts.id, facts);
      this.pending.set(month, again);
      this.chunkCache.clear();
      throw error;
    }
  }

  private async write(month: string, queue: ReadonlyMap<string, TicketFacts>): Promise<void> {
    const slot = await this.slotOf(month);
    const touched = new Map<number, Map<string, TicketFacts>>();
    // Chunks where some ticket's visits or search text changed: only their `:v` row is rewritten.
    const detailed = new Set<number>();
    for (const facts of queue.values()) {
      let chunk = slot.where.get(facts.id);
      if (chunk === undefined) {
        chunk = Math.max(0, slot.chunks - 1);
        const last =
          slot.chunks === 0 ? undefined : (touched.get(chunk) ?? (await this.chunk(month, slot, chunk)));
        if (!last || last.size >= CHUNK_TICKETS) {
          chunk = slot.chunks;
          // The count first: a reader may see an empty chunk id, never miss a written chunk.
          await this.buckets
            .updateOne({ _id: slotId(month, slot.slot) }, { $set: { chunks: chunk + 1 } })
            .exec();
          slot.chunks = chunk + 1;
          const fresh = new Map<string, TicketFacts>();
          this.remember(chunkId(month, slot.slot, chunk), fresh);
          touched.set(chunk, fresh);
        }
      }
      // Chunks changed in this flush come from `touched`: the cache may have dropped them already.
      const content = touched.get(chunk) ?? (await this.chunk(month, slot, chunk));
      const known = content.get(facts.id);
      if (known && known.seq >= facts.seq) continue;
      if (!known || !sameDetail(known, facts)) detailed.add(chunk);
      content.set(facts.id, facts);
      slot.where.set(facts.id, chunk);
      touched.set(chunk, content);
    }
    for (const [chunk, content] of touched) {
      const id = chunkId(month, slot.slot, chunk);
      const all = [...content.values()];
      if (detailed.has(chunk)) {
        const details = encode(all.map(detailOf));
        await ignoreDuplicate(
          this.buckets.replaceOne({ _id: visitsId(id) }, { data: details }, { upsert: true }).exec(),
        );
      }
      const data = encode(all.map(withoutDetail));
      await ignoreDuplicate(this.buckets.replaceOne({ _id: id }, { data }, { upsert: true }).exec());
    }
  }

  /** This process's slot in the month: the first free `<month>:w<n>`, taken by an insert. */
  private async slotOf(month: string): Promise<MonthSlot> {
    const known = this.slots.get(month);
    if (known) return known;
    for (let slot = 0; slot < MAX_SLOTS; slot++) {
      try {
        await this.buckets.create({ _id: slotId(month, slot), writer: this.writer, chunks: 0 });
      } catch (error) {
        if (isDuplicateKey(error)) continue;
        throw error;
      }
      const taken: MonthSlot = { slot, chunks: 0, where: new Map() };
      this.slots.set(month, taken);
      return taken;
    }
    throw new Error(`report bucket month <${month}> has no free writer slot`);
  }

  /** A chunk of this writer's slot: from memory, else read back by `_id` (only this process writes it). */
  private async chunk(month: string, slot: MonthSlot, chunk: number): Promise<Map<string, TicketFacts>> {
    const id = chunkId(month, slot.slot, chunk);
    const cached = this.chunkCache.get(id);
    if (cached) return cached;
    const [doc, visitsDoc] =
      slot.chunks > chunk
        ? await Promise.all([
            this.buckets.findById(id, { data: 1 }).lean(),
            this.buckets.findById(visitsId(id), { data: 1 }).lean(),
          ])
        : [null, null];
    const details = new Map(
      (visitsDoc?.data ? decode<TicketVisits>(visitsDoc.data) : []).map((entry) => [entry.id, entry]),
    );
    const list = doc?.data ? decode<TicketFacts>(doc.data) : [];
    const content = new Map(
      list.map((facts) => {
        const { id: _id, seq: _seq, procedureId: _p, ...detail } = details.get(facts.id) ?? { visits: [] };
        return [facts.id, { ...facts, ...detail }] as const;
      }),
    );
    this.remember(id, content);
    return content;
  }

  private remember(id: string, content: Map<string, TicketFacts>): void {
    this.chunkCache.delete(id);
    this.chunkCache.set(id, content);
    while (this.chunkCache.size > CACHED_CHUNKS) {
      const oldest = this.chunkCache.keys().next().value;
      if (oldest === undefined) break;
      this.chunkCache.delete(oldest);
    }
  }
}

/**
 * Whether two facts of one ticket have the same detail (visits, search text). The `:v` row keeps the
 * seq of the step that last changed it: a reader merging slots still picks detail valid at a seq at
 * least as late (detail unchanged since).
 */
function sameDetail(a: TicketFacts, b: TicketFacts): boolean {
  const { visits: va, text: ta, talk: ka } = detailOf(a);
  const { visits: vb, text: tb, talk: kb } = detailOf(b);
  return JSON.stringify([va, ta, ka]) === JSON.stringify([vb, tb, kb]);
}

/**
 * A chunk's facts as deflated JSON: FerretDB's cost of a read grows with the bytes stored (~15 MB/s
 * on the 2-core machine), and the facts' repeated keys deflate about eightfold.
 */
function encode(rows: readonly object[]): Buffer {
  return deflateRawSync(JSON.stringify(rows), { level: 4 });
}

function decode<T>(data: unknown): T[] {
  const bytes = Buffer.isBuffer(data)
    ? data
    : data instanceof Uint8Array
      ? Buffer.from(data)
      : Buffer.from((data as { buffer: Uint8Array }).buffer);
  return JSON.parse(inflateRawSync(bytes).toString('utf8')) as T[];
}

async function inBatches<T>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}
