import { ISOInterval } from '@0dep/piso';

/**
 * The delay of a duration or cycle timer, as drawn.
 *
 * bpmn-elements reads the clock twice when it arms a timer (once to parse the
 * expression, once to subtract), so its `timeout` can be a millisecond longer
 * than the period drawn in the diagram. Evaluating the duration from the timer's
 * own start instant gives the
 * exact period; a shorter engine figure (a restored timer's remaining time) stands. A timer anchored to a date keeps the engine's figure, and so does
 * a zero period (the step guard arms it at 1 ms; piso's interval walk would never
 * end on it, so only the duration is evaluated).
 */
export function timerDelayMs(
  timerType: string,
  value: string,
  engineTimeoutMs: number,
  startedAt: Date | undefined,
): number {
  if (timerType !== 'timeDuration' && timerType !== 'timeCycle') return engineTimeoutMs;
  if (!startedAt || Number.isNaN(startedAt.getTime())) return engineTimeoutMs;
  try {
    const interval = new ISOInterval(value).parse();
    if (interval.start || interval.end || !interval.duration) return engineTimeoutMs;
    const delay = interval.duration.getExpireAt(startedAt).getTime() - startedAt.getTime();
    return Number.isFinite(delay) && delay > 0 ? Math.min(engineTimeoutMs, delay) : engineTimeoutMs;
  } catch {
    return engineTimeoutMs;
  }
}
