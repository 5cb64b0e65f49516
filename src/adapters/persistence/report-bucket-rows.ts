import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { detailOf, withoutDetail } from '../../app/reports-ports.js';
import type { TicketFacts } from '../../domain/reports/facts.js';

/** The row ids of `report_buckets` (docs/adr/0027): a writer's slot in a month and what it owns. */
export const bucketIds = {
  /** `<YYYY-MM>:w<n>`: the slot, taken by a unique insert, with its chunk count. */
  slot: (month: string, slot: number) => `${month}:w${slot}`,
  /** `<YYYY-MM>:w<n>:c<k>`: up to CHUNK_TICKETS tickets' facts, without their detail. */
  chunk: (month: string, slot: number, chunk: number) => `${month}:w${slot}:c${chunk}`,
  /** `<chunk>:v`: the detail (stays, search text) of a chunk's tickets; reports never read it. */
  visits: (chunk: string) => `${chunk}:v`,
  /** `<YYYY-MM>:w<n>:t`: the slot's latest facts, detail included, not yet folded into chunks. */
  tail: (month: string, slot: number) => `${month}:w${slot}:t`,
};

/** A ticket's facts as a tail row keeps them: the chunk's part and the detail's in one entry. */
export function tailEntry(facts: TicketFacts): TicketFacts {
  return { ...withoutDetail(facts), ...detailOf(facts) };
}

/**
 * Whether two facts of one ticket have the same detail (visits, search text). The `:v` row keeps the
 * seq of the step that last changed it: a reader merging slots still picks detail valid at a seq at
 * least as late (detail unchanged since).
 */
export function sameDetail(a: TicketFacts, b: TicketFacts): boolean {
  const { visits: va, text: ta, talk: ka } = detailOf(a);
  const { visits: vb, text: tb, talk: kb } = detailOf(b);
  return JSON.stringify([va, ta, ka]) === JSON.stringify([vb, tb, kb]);
}

/**
 * Rows as deflated JSON: FerretDB's cost of a read grows with the bytes stored (~15 MB/s on the
 * 2-core machine), and the facts' repeated keys deflate about eightfold.
 */
export function encode(rows: readonly object[]): Buffer {
  return deflateRawSync(JSON.stringify(rows), { level: 4 });
}

/** The rows of a stored `data` field (a Buffer, or the driver's Binary). */
export function decode<T>(data: unknown): T[] {
  const bytes = Buffer.isBuffer(data)
    ? data
    : data instanceof Uint8Array
      ? Buffer.from(data)
      : Buffer.from((data as { buffer: Uint8Array }).buffer);
  return JSON.parse(inflateRawSync(bytes).toString('utf8')) as T[];
}
