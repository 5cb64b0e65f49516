import { advanceFacts, type TicketFacts } from '../domain/reports/facts.js';
import type { ReportDimension } from '../domain/reports/dimensions.js';
import { bucketMonth } from '../domain/reports/period.js';
import { isDryRun } from './dry-run-id.js';
import type { InstanceStore } from './ports.js';
import type { ReportFactsStore } from './reports-ports.js';

/** A ticket to rebuild: its id, procedure and last committed step. */
export interface RebuildHead {
  readonly id: string;
  readonly procedureId: string;
  readonly seq: number;
}

/** Which tickets a rebuild covers (both optional). */
export interface RebuildFilter {
  readonly procedureId?: string;
  /** Tickets opened at or after this instant. */
  readonly since?: Date;
}

/** Collaborators of the rebuild. */
export interface ReportRebuildDeps {
  /** The tickets to rebuild (a one-off scan of the heads, never done on a hot path). */
  readonly heads: (filter: RebuildFilter) => Promise<RebuildHead[]>;
  readonly steps: Pick<InstanceStore, 'findTransition'>;
  readonly facts: Pick<ReportFactsStore, 'load' | 'save'>;
  readonly dimensions: (definitionId: string) => Promise<readonly ReportDimension[]>;
  readonly timeZone: string;
  /** Tickets folded at once (their bucket writes are flushed together); default 50. */
  readonly batchSize?: number;
  readonly onBatch?: (progress: RebuildResult) => void;
}

/** What a rebuild did. */
export interface RebuildResult {
  readonly seen: number;
  /** Tickets whose facts were written (folded from the steps they lacked). */
  readonly written: number;
  /** Tickets whose facts were already at their last step (nothing written). */
  readonly current: number;
  /** Dry runs and tickets without steps. */
  readonly skipped: number;
}

/** Most steps folded for one ticket (the step budget keeps real tickets far below). */
const MAX_STEPS = 20_000;

/**
 * Backfills the reporting read model (docs/adr/0027, 0035) for tickets that existed before it or
 * whose facts fell behind: each ticket's missing steps are read from its history by `_id` and
 * folded, then stored in the buckets of every month a folded step, the opening or the closing falls
 * in. Tickets are done in bounded batches whose bucket writes are flushed together. Idempotent: a
 * ticket whose facts are at its last step is not written again, so re-running changes nothing.
 */
export async function rebuildReports(
  deps: ReportRebuildDeps,
  filter: RebuildFilter = {},
): Promise<RebuildResult> {
  const heads = await deps.heads(filter);
  const size = Math.max(1, Math.min(deps.batchSize ?? 50, 500));
  const dimensions = new Map<string, Promise<readonly ReportDimension[]>>();
  const dimensionsOf = (definitionId: string) => {
    const known = dimensions.get(definitionId) ?? deps.dimensions(definitionId).catch(() => []);
    dimensions.set(definitionId, known);
    return known;
  };
  const totals = { seen: 0, written: 0, current: 0, skipped: 0 };
  for (let start = 0; start < heads.length; start += size) {
    const outcomes = await Promise.all(
      heads.slice(start, start + size).map((head) => rebuildOne(deps, head, dimensionsOf)),
    );
    for (const outcome of outcomes) totals[outcome]++;
    totals.seen += outcomes.length;
    deps.onBatch?.({ ...totals });
  }
  return totals;
}

async function rebuildOne(
  deps: ReportRebuildDeps,
  head: RebuildHead,
  dimensionsOf: (definitionId: string) => Promise<readonly ReportDimension[]>,
): Promise<'written' | 'current' | 'skipped'> {
  if (isDryRun(head.procedureId)) return 'skipped';
  const stored = await deps.facts.load(head.id);
  if (stored && stored.seq >= head.seq) return 'current';
  let facts: TicketFacts | undefined = stored ?? undefined;
  const months = new Set<string>();
  const first = (stored?.seq ?? 0) + 1;
  for (let seq = first; seq <= head.seq && seq < first + MAX_STEPS; seq++) {
    const step = await deps.steps.findTransition(head.id, seq);
    if (!step) continue;
    facts = advanceFacts(facts, step, await dimensionsOf(step.head.definitionId));
    months.add(bucketMonth(new Date(step.event.at).getTime(), deps.timeZone));
  }
  if (!facts || facts.seq === stored?.seq) return 'skipped';
  months.add(bucketMonth(facts.openedAt, deps.timeZone));
  if (facts.closedAt !== undefined) months.add(bucketMonth(facts.closedAt, deps.timeZone));
  await deps.facts.save(facts, [...months]);
  return 'written';
}
