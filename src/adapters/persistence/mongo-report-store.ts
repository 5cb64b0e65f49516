import { randomUUID } from 'node:crypto';
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
import { bucketIds, decode, encode, sameDetail, tailEntry } from './report-bucket-rows.js';

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
/**
 * Tickets a slot's tail row holds before they are folded into the chunks. A step rewrites the tail
 * (a few KB) instead of its ticket's chunk (~15 KB deflated, twice with the detail row): the chunks
 * are rewritten once per this many tickets.
 */
export const TAIL_TICKETS = 32;
/** Most writer slots one month may have (one per app process that wrote in it). */
const MAX_SLOTS = 10_000;
/** Chunks read at once when a report reads a month. */
const READ_CONCURRENCY = 6;
/** Chunks of older months kept in memory for rewriting. */
const CACHED_CHUNKS = 16;

/** This writer's slot in one month: its chunks, which chunk holds each ticket, and its tail row. */
interface MonthSlot {
  readonly slot: number;
  chunks: number;
  readonly where: Map<string, number>;
  /** The tail row as last written (only this process writes it). */
  tail: ReadonlyMap<string, TicketFacts>;
}

const { slot: slotId, chunk: chunkId, visits: visitsId, tail: tailId } = bucketIds;

/**
 * Reporting read model on MongoDB/FerretDB (docs/adr/0027). `report_facts`: one row per ticket
 * (`_id` = instance id, facts as JSON text). `report_buckets`: per month and writer process a slot
 * row `<YYYY-MM>:w<n>` (taken by a unique insert, so each slot has exactly one writer), its chunks
 * `<YYYY-MM>:w<n>:c<k>` of up to {@link CHUNK_TICKETS} tickets' facts as deflated JSON (their visits
 * in `…:c<k>:v`), and its tail `<YYYY-MM>:w<n>:t`: the latest facts of up to {@link TAIL_TICKETS}
 * tickets, folded into the chunks when it fills. Only its owner rewrites a row, so no update is lost
 * without `$inc` or a conditional write; a reader reads a month's rows by `_id` and keeps each
 * ticket's highest step.
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
    return this.readMonth<TicketFacts>(month, (id) => id, withoutDetail);
  }

  async visits(month: string): Promise<TicketVisits[]> {
    return this.readMonth<TicketVisits>(month, visitsId, detailOf);
  }

  /**
   * Reads every slot's tail and chunk rows of the month (by `_id`, `rowId` of the chunk id) and keeps
   * each ticket's highest step. A slot's tail is read before its slot row and chunks: a fold writes
   * the chunks (and their count) before it empties the tail, so facts gone from the tail read are in
   * the chunks read after it.
   */
  private async readMonth<T extends { id: string; seq: number }>(
    month: string,
    rowId: (chunk: string) => string,
    fromTail: (facts: TicketFacts) => T,
  ): Promise<T[]> {
    const merged = new Map<string, T>();
    const keep = (entry: T) => {
      const known = merged.get(entry.id);
      if (!known || known.seq < entry.seq) merged.set(entry.id, entry);
    };
    const ids: string[] = [];
    for (let slot = 0; slot < MAX_SLOTS; slot++) {
      const tail = await this.buckets.findById(tailId(month, slot), { data: 1 }).lean();
      const doc = await this.buckets.findById(slotId(month, slot), { chunks: 1 }).lean();
      if (!doc) break;
      if (tail?.data) for (const facts of decode<TicketFacts>(tail.data)) keep(fromTail(facts));
      for (let chunk = 0; chunk < Number(doc.chunks ?? 0); chunk++)
        ids.push(rowId(chunkId(month, slot, chunk)));
    }
    await inBatches(ids, READ_CONCURRENCY, async (id) => {
      const doc = await this.buckets.findById(id, { data: 1 }).lean();
      if (doc?.data) for (const entry of decode<T>(doc.data)) keep(entry);
    });
    return [...merged.values()];
  }

  /**
   * Bulk load (rebuilding the model from history, benchmarks): writes `facts` into a new slot of the
   * month, {@link CHUNK_TICKETS} per chunk, without touching `report_facts`.
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
   * flush runs are written together by the next one (the tail row once per flush).
   */
  private async putInBucket(month: string, facts: TicketFacts): Promise<void> {
    const queue = this.pending.get(month) ?? new Map<string, TicketFacts>();
    this.pending.set(month, queue);
    const queued = queue.get(facts.id);
    if (!queued || queued.seq < facts.seq) queue.set(facts.id, facts);
    await this.mutex.run(month, () => this.flush(month));
  }

  /** Writes every queued ticket of the month (see {@link write}). */
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

  /** The queued facts join the slot's tail; a tail past {@link TAIL_TICKETS} is folded into the chunks. */
  private async write(month: string, queue: ReadonlyMap<string, TicketFacts>): Promise<void> {
    const slot = await this.slotOf(month);
    const tail = new Map(slot.tail);
    let changed = false;
    for (const facts of queue.values()) {
      const known = tail.get(facts.id);
      if (known && known.seq >= facts.seq) continue;
      tail.set(facts.id, facts);
      changed = true;
    }
    if (!changed) return;
    if (tail.size <= TAIL_TICKETS) return this.writeTail(month, slot, tail);
    // Chunks first, the emptied tail last: a crash in between leaves facts in both (readers keep one).
    await this.fold(month, slot, tail);
    await this.writeTail(month, slot, new Map());
  }

  private async writeTail(month: string, slot: MonthSlot, tail: ReadonlyMap<string, TicketFacts>) {
    const data = encode([...tail.values()].map(tailEntry));
    await ignoreDuplicate(
      this.buckets.replaceOne({ _id: tailId(month, slot.slot) }, { data }, { upsert: true }).exec(),
    );
    slot.tail = tail;
  }

  /** Writes the facts into their chunks (new tickets fill the last chunk), each touched chunk once. */
  private async fold(month: string, slot: MonthSlot, queue: ReadonlyMap<string, TicketFacts>) {
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
      const taken: MonthSlot = { slot, chunks: 0, where: new Map(), tail: new Map() };
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
