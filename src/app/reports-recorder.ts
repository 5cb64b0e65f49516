import { advanceFacts, type TicketFacts } from '../domain/reports/facts.js';
import type { ReportDimension } from '../domain/reports/dimensions.js';
import type { InstanceStore, Transition } from './ports.js';
import { bucketMonth } from '../domain/reports/period.js';
import type { ReportFactsStore, ReportFactsWriter } from './reports-ports.js';
import { isDryRun } from './dry-run-id.js';
import { RecentById } from './recent-by-id.js';

/** Collaborators of the recorder. */
export interface ReportRecorderDeps {
  readonly facts: ReportFactsStore;
  /** Committed steps, read by `_id` (to fold steps the model missed). */
  readonly steps: Pick<InstanceStore, 'findTransition'>;
  /** The report dimensions a procedure version declares (its catalog's `reportDimensions`). */
  readonly dimensions: (definitionId: string) => Promise<readonly ReportDimension[]>;
  /** Time zone of the month buckets (the reports' zone, so a month report reads one month). */
  readonly timeZone: string;
}

/** Most missed steps folded in at once from the log. */
const MAX_REBUILD = 1000;
/** Tickets whose last saved facts this process keeps (a forgotten one is read again). */
const REMEMBERED_FACTS = 2000;

/**
 * Writes the reporting read model as a transition effect (docs/adr/0027): reads the ticket's facts
 * by `_id`, folds the step in and stores them in the buckets of the step's month, the opening month
 * and the closing month. A step already folded in is skipped; steps the model missed (a writer
 * that died between the commit and this effect, before the roll-forward) are folded from the log.
 */
export class ReportRecorder implements ReportFactsWriter {
  /** The facts this process last saved per ticket. */
  private readonly saved = new RecentById<TicketFacts>(REMEMBERED_FACTS);

  constructor(private readonly deps: ReportRecorderDeps) {}

  async apply(transition: Transition): Promise<void> {
    // Dry runs (ADR 0031/0035) never reach reports, search or scheduled reports.
    if (isDryRun(transition.head.procedureId)) return;
    const { instanceId, seq } = transition.event;
    const stored = await this.previous(instanceId, seq);
    if (stored && stored.seq >= seq) return;
    const dimensions = await this.deps.dimensions(transition.head.definitionId);
    const base = await this.catchUp(stored ?? undefined, instanceId, seq - 1, dimensions);
    const next = advanceFacts(base, transition, dimensions);
    this.saved.delete(instanceId);
    await this.deps.facts.save(
      next,
      monthsOf(next, new Date(transition.event.at).getTime(), this.deps.timeZone),
    );
    this.saved.set(instanceId, next);
  }

  /**
   * The ticket's facts before step `seq`: the ones this process saved for step `seq - 1` (no read:
   * at worst another process folded the same steps, and re-saving equal facts is harmless), none
   * before a first step, else the stored row.
   */
  private async previous(instanceId: string, seq: number): Promise<TicketFacts | null> {
    const saved = this.saved.get(instanceId);
    if (saved?.seq === seq - 1) return saved;
    if (seq === 1) return null;
    return this.deps.facts.load(instanceId);
  }

  /** Folds steps `(facts.seq, upTo]` from the log (at most 1000), when the model is behind. */
  private async catchUp(
    facts: TicketFacts | undefined,
    instanceId: string,
    upTo: number,
    dimensions: readonly ReportDimension[],
  ): Promise<TicketFacts | undefined> {
    let current = facts;
    const first = Math.max((facts?.seq ?? 0) + 1, upTo - MAX_REBUILD + 1);
    for (let seq = first; seq <= upTo; seq++) {
      const step = await this.deps.steps.findTransition(instanceId, seq);
      if (step) current = advanceFacts(current, step, dimensions);
    }
    return current;
  }
}

/** The month buckets a ticket's facts belong to after a step at `at`. */
export function monthsOf(facts: TicketFacts, at: number, zone: string): string[] {
  const months = [bucketMonth(at, zone), bucketMonth(facts.openedAt, zone)];
  if (facts.closedAt !== undefined) months.push(bucketMonth(facts.closedAt, zone));
  return [...new Set(months)];
}
