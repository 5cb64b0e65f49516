/**
 * Report periods in a time zone (docs/adr/0027): a local day, ISO week (Monday to Monday), month,
 * or a custom range of local days (at most 366). The end is exclusive.
 */
import { DateTime } from 'luxon';
import { AppError } from '../errors.js';

/** The kinds of period a report covers. */
export type PeriodKind = 'day' | 'week' | 'month' | 'custom';
export const PERIOD_KINDS: readonly PeriodKind[] = ['day', 'week', 'month', 'custom'];

/** A period: its kind, bounds and a stable key (`2026-11-28`, `2026-W48`, `2026-11`, `2026-11-01..2026-11-15`). */
export interface Period {
  readonly kind: PeriodKind;
  readonly from: Date;
  readonly to: Date;
  readonly key: string;
  /** First and last local day (`YYYY-MM-DD`), for forms and links. */
  readonly firstDay: string;
  readonly lastDay: string;
}

/** Longest custom period, in days. */
export const MAX_CUSTOM_DAYS = 366;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The period of `kind` containing local day `day` (custom: from `day` to `lastDay`, both included). */
export function periodOf(kind: PeriodKind, day: string, zone: string, lastDay?: string): Period {
  const start = localDay(day, 'from', zone);
  if (kind === 'custom') {
    const last = localDay(lastDay ?? day, 'to', zone);
    const days = Math.round(last.diff(start, 'days').days) + 1;
    if (days < 1 || days > MAX_CUSTOM_DAYS)
      throw new AppError('BAD_REQUEST', `period <to> must be 0 to ${MAX_CUSTOM_DAYS - 1} days after <from>`, [
        { path: 'to', reason: 'range', message: `a custom period covers 1 to ${MAX_CUSTOM_DAYS} days` },
      ]);
    return build(kind, start, last.plus({ days: 1 }));
  }
  const unit = kind === 'day' ? 'day' : kind === 'week' ? 'week' : 'month';
  const from = start.startOf(unit);
  return build(kind, from, from.plus({ [`${unit}s`]: 1 }));
}

/** The period of the same kind and length just before (-1) or after (+1). */
export function shiftPeriod(period: Period, by: -1 | 1, zone: string): Period {
  const from = DateTime.fromJSDate(period.from, { zone });
  if (period.kind === 'custom') {
    const days = Math.round(DateTime.fromJSDate(period.to, { zone }).diff(from, 'days').days);
    const start = from.plus({ days: by * days });
    return build('custom', start, start.plus({ days }));
  }
  const unit = period.kind === 'day' ? 'days' : period.kind === 'week' ? 'weeks' : 'months';
  const start = from.plus({ [unit]: by });
  return build(period.kind, start, start.plus({ [unit]: 1 }));
}

/** The last whole period of `kind` ended at or before `now` (what a scheduled report sends). */
export function lastEndedPeriod(kind: Exclude<PeriodKind, 'custom'>, now: Date, zone: string): Period {
  const current = periodOf(kind, DateTime.fromJSDate(now, { zone }).toISODate()!, zone);
  return shiftPeriod(current, -1, zone);
}

/** The local day (`YYYY-MM-DD`) of an instant. */
export function localDayOf(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toISODate()!;
}

function localDay(text: string, field: string, zone: string): DateTime {
  const day = DAY.test(text) ? DateTime.fromISO(text, { zone }) : undefined;
  if (!day?.isValid)
    throw new AppError('BAD_REQUEST', `period <${field}> "${text.slice(0, 20)}" is not a date YYYY-MM-DD`, [
      { path: field, reason: 'format', message: 'expected a date YYYY-MM-DD' },
    ]);
  return day.startOf('day');
}

function build(kind: PeriodKind, from: DateTime, to: DateTime): Period {
  const firstDay = from.toISODate()!;
  const lastDay = to.minus({ days: 1 }).toISODate()!;
  const key =
    kind === 'day'
      ? firstDay
      : kind === 'week'
        ? `${from.weekYear}-W${String(from.weekNumber).padStart(2, '0')}`
        : kind === 'month'
          ? firstDay.slice(0, 7)
          : `${firstDay}..${lastDay}`;
  return { kind, from: from.toJSDate(), to: to.toJSDate(), key, firstDay, lastDay };
}

/** The month bucket (`YYYY-MM`, local to `zone`) an instant belongs to. */
export function bucketMonth(at: number, zone: string): string {
  return DateTime.fromMillis(at, { zone }).toFormat('yyyy-MM');
}

/** The month bucket after `month` (`YYYY-MM`). */
export function nextBucketMonth(month: string): string {
  return DateTime.fromFormat(month, 'yyyy-MM', { zone: 'UTC' }).plus({ months: 1 }).toFormat('yyyy-MM');
}

/** The month buckets (local to `zone`) the period's instants fall in (at most 14). */
export function monthsOfPeriod(period: Period, zone: string): string[] {
  const months: string[] = [];
  let month = DateTime.fromJSDate(period.from, { zone }).startOf('month');
  const last = DateTime.fromMillis(period.to.getTime() - 1, { zone });
  while (month <= last && months.length < 14) {
    months.push(month.toFormat('yyyy-MM'));
    month = month.plus({ months: 1 });
  }
  return months;
}
