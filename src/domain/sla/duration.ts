const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * Milliseconds of an ISO 8601 duration made of days, hours, minutes and seconds
 * (`PT30M`, `PT4H`, `P2DT4H`), or undefined when it is not one. Years, months and
 * weeks are refused: their length depends on the calendar, which SLA targets must not.
 */
export function durationMs(value: string): number | undefined {
  const match = DURATION.exec(value);
  if (!match || value === 'P' || value.endsWith('T')) return undefined;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match;
  return ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 + Number(seconds) * 1000;
}
