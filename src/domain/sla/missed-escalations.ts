import type { SlaClock } from '../sla.js';
import { levelsFor, type EscalationLevel, type SlaPolicy } from './policy.js';
import type { SlaThreshold } from './sla-timers.js';

/** What happens to one level of an escalation found late. */
export type MissedLevelAction = 'escalated' | 'notified' | 'skipped-closed';

/** A threshold a clock reached without its escalation having been carried out (its timer was late or lost). */
export interface MissedEscalation {
  readonly clock: SlaClock;
  readonly threshold: SlaThreshold;
  /** The instant the threshold was really reached. */
  readonly reachedAt: Date;
  readonly levels: readonly { readonly level: EscalationLevel; readonly action: MissedLevelAction }[];
}

/** The clocks with the missed escalations marked as carried out, and what to carry out. */
export interface MissedEscalations {
  readonly clocks: SlaClock[];
  readonly missed: MissedEscalation[];
}

/**
 * Finds thresholds reached but never escalated (a timer held by a crashed process, or a step
 * that came first) and decides per level what to do now: while the ticket is open every level
 * is escalated (task and notices); once it is closed no task can be opened, so a level notifies
 * its contacts unless the matrix says `"whenClosed": "skip"`, and is then recorded as skipped.
 * A clock cancelled with its ticket has no result, so nothing is sent for it either.
 */
export function missedEscalations(
  clocks: readonly SlaClock[],
  policy: SlaPolicy,
  variables: Readonly<Record<string, unknown>>,
  ticketOpen: boolean,
  now: Date,
): MissedEscalations {
  const severity = policy.severityVariable ? variables[policy.severityVariable] : undefined;
  const missed: MissedEscalation[] = [];
  const next = clocks.map((clock) => {
    let current = clock;
    for (const threshold of ['warning', 'breach'] as const) {
      const reachedAt = threshold === 'warning' ? current.warningReachedAt : current.breachReachedAt;
      const done = threshold === 'warning' ? current.warnedAt : current.breachedAt;
      if (!reachedAt || done) continue;
      const levels = levelsFor(policy, current.id, threshold, severity).filter(
        (level) => !current.escalated.includes(level.level),
      );
      current = {
        ...current,
        ...(threshold === 'warning' ? { warnedAt: now } : { breachedAt: now }),
        escalated: [...current.escalated, ...levels.map((level) => level.level)],
      };
      const cancelled = current.status === 'cancelled';
      const actions = levels.map((level) => ({
        level,
        action: cancelled ? ('skipped-closed' as const) : actionFor(level, ticketOpen),
      }));
      missed.push({ clock: current, threshold, reachedAt: new Date(reachedAt), levels: actions });
    }
    return current;
  });
  return { clocks: next, missed };
}

function actionFor(level: EscalationLevel, ticketOpen: boolean): MissedLevelAction {
  if (ticketOpen) return 'escalated';
  return level.whenClosed === 'skip' || !level.notify.length ? 'skipped-closed' : 'notified';
}
