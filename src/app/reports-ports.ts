/** Ports of the reporting read model (docs/adr/0027). */
import type { TicketFacts } from '../domain/reports/facts.js';

/** A ticket's stays at activities and search text, kept apart from its facts so reports read less. */
export type TicketVisits = Pick<TicketFacts, 'id' | 'seq' | 'procedureId' | 'visits' | 'text' | 'talk'>;

/** The part of the facts stored in the detail rows. */
export function detailOf({ id, seq, procedureId, visits, text, talk }: TicketFacts): TicketVisits {
  return { id, seq, procedureId, visits, ...(text ? { text } : {}), ...(talk ? { talk } : {}) };
}

/** The facts without their detail (what reports read). */
export function withoutDetail(facts: TicketFacts): TicketFacts {
  const { text: _text, talk: _talk, held: _held, ...rest } = facts;
  return { ...rest, visits: [] };
}

/**
 * Where ticket facts live: by `_id` per ticket (the fold's previous state), and in month buckets
 * that a report reads whole, by `_id` only.
 */
export interface ReportFactsStore {
  /** The ticket's facts as last stored, or null. */
  load(instanceId: string): Promise<TicketFacts | null>;
  /**
   * Stores the facts for the ticket and in the buckets of `months` (idempotent: storing the same
   * facts again changes nothing; facts older than those stored are not stored).
   */
  save(facts: TicketFacts, months: readonly string[]): Promise<void>;
  /** Every ticket stored in the month's buckets, the highest step of each, without its visits. */
  month(month: string): Promise<TicketFacts[]>;
  /** The activity visits and search text of every ticket in the month's buckets (heatmap, search). */
  visits(month: string): Promise<TicketVisits[]>;
}

/** Applies a committed step to the reporting read model; re-applying it is harmless. */
export interface ReportFactsWriter {
  apply(transition: import('./ports.js').Transition): Promise<void>;
}
