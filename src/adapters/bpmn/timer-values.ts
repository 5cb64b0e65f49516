/**
 * Reading ISO 8601 timer values for the deploy-time safety checks: how long a
 * duration waits and how often and how many times a cycle fires. Calendar units
 * are approximated (a year is 365 days, a month 30), which is enough to compare
 * against minimum periods; the engine computes the real due dates.
 */

const DURATION =
  /^P(?=\d|T\d)(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?=\d)(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Milliseconds per unit, in the order of the DURATION groups. */
const UNITS = [365 * DAY, 30 * DAY, 7 * DAY, DAY, HOUR, MINUTE, SECOND] as const;
const CYCLE = /^R(\d*)\/([^/]+)(?:\/([^/]+))?$/;
const EXPRESSION = /^\$\{[\s\S]*\}$/;

/** A repeating timer value `R[n]/...`. */
export interface CycleValue {
  /** How many times it fires; undefined when `R/` repeats without end. */
  readonly repetitions: number | undefined;
  /** Time between firings, or undefined when the value does not say (unparsable parts). */
  readonly periodMs: number | undefined;
}

/** True when the timer value is a `${ ... }` expression, known only at run time. */
export function isExpression(value: string): boolean {
  return EXPRESSION.test(value.trim());
}

/** Milliseconds of an ISO 8601 duration such as `PT30M` or `P7D`, or undefined if it is not one. */
export function durationMs(value: string): number | undefined {
  const match = DURATION.exec(value.trim());
  if (!match) return undefined;
  return UNITS.reduce((total, unit, index) => total + Number(match[index + 1] ?? 0) * unit, 0);
}

/**
 * Reads `R[n]/<duration>`, `R[n]/<start>/<duration>`, `R[n]/<duration>/<end>` or
 * `R[n]/<start>/<end>`; undefined when the value is not a cycle at all.
 */
export function parseCycle(value: string): CycleValue | undefined {
  const match = CYCLE.exec(value.trim());
  if (!match) return undefined;
  const [, count = '', first = '', second] = match;
  const repetitions = count === '' ? undefined : Number(count);
  return { repetitions, periodMs: periodOf(first, second) };
}

/** A short human reading of a period, e.g. `0 s`, `1 min`, `7 d`. */
export function describeMs(ms: number): string {
  if (ms < MINUTE) return `${ms / SECOND} s`;
  if (ms < HOUR) return `${round(ms / MINUTE)} min`;
  if (ms < DAY) return `${round(ms / HOUR)} h`;
  return `${round(ms / DAY)} d`;
}

function periodOf(first: string, second: string | undefined): number | undefined {
  if (second === undefined) return durationMs(first);
  if (first.startsWith('P')) return durationMs(first);
  if (second.startsWith('P')) return durationMs(second);
  const span = Date.parse(second) - Date.parse(first);
  return Number.isNaN(span) ? undefined : span;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
