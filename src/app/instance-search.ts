import { DateTime } from 'luxon';
import { AppError, type FieldIssue } from '../domain/errors.js';
import type { InstanceStatus } from '../domain/instance.js';
import type { InstanceListFilter } from './ports.js';

/** Instance states a supervisor can filter on. */
export const INSTANCE_STATUSES: readonly InstanceStatus[] = [
  'running',
  'incident',
  'completed',
  'cancelled',
  'failed',
];

/** Rows per page of the instance list. */
export const PAGE_SIZE = 25;
const MAX_PAGE = 400;
const MAX_TICKET = 64;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The instance list filters as typed in (GET parameters); every field optional. */
export interface InstanceSearchInput {
  readonly procedure?: unknown;
  readonly status?: unknown;
  readonly overdue?: unknown;
  readonly from?: unknown;
  readonly to?: unknown;
  readonly ticket?: unknown;
  readonly page?: unknown;
}

/** Validated filters; `from`/`to` are calendar days (`YYYY-MM-DD`) in the display time zone, both inclusive. */
export interface InstanceSearch {
  readonly procedure?: string;
  readonly status?: InstanceStatus;
  readonly overdue: boolean;
  readonly from?: string;
  readonly to?: string;
  readonly ticket?: string;
  readonly page: number;
}

/** The filters as typed, kept for re-rendering a form with errors. */
export function keptValues(input: InstanceSearchInput): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(input)) if (typeof value === 'string') kept[key] = value;
  return kept;
}

/** Validates the filters; throws VALIDATION_FAILED listing every bad field. */
export function parseInstanceSearch(input: InstanceSearchInput, timeZone: string): InstanceSearch {
  const issues: FieldIssue[] = [];
  const text = (value: unknown) =>
    typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  const status = text(input.status);
  if (status !== undefined && !INSTANCE_STATUSES.includes(status as InstanceStatus)) {
    issues.push({ path: 'status', reason: 'enum', message: `unknown state <${status}>` });
  }
  const ticket = text(input.ticket);
  if (ticket !== undefined && ticket.length > MAX_TICKET) {
    issues.push({ path: 'ticket', reason: 'maxLength', message: `ticket number longer than ${MAX_TICKET}` });
  }
  const from = text(input.from);
  const to = text(input.to);
  for (const [path, day] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (day !== undefined && !dayStart(day, timeZone)) {
      issues.push({ path, reason: 'date', message: `<${day}> is not a date (YYYY-MM-DD)` });
    }
  }
  if (from && to && dayStart(from, timeZone) && dayStart(to, timeZone) && to < from) {
    issues.push({ path: 'to', reason: 'range', message: `<${to}> is before <${from}>` });
  }
  const page = pageNumber(input.page);
  if (page === undefined)
    issues.push({ path: 'page', reason: 'range', message: `page must be 1..${MAX_PAGE}` });
  if (issues.length) {
    throw new AppError('VALIDATION_FAILED', issues.map((issue) => issue.message).join('; '), issues);
  }
  const procedure = text(input.procedure);
  return {
    ...(procedure ? { procedure } : {}),
    ...(status ? { status: status as InstanceStatus } : {}),
    overdue: ['1', 'true', 'on'].includes(String(input.overdue ?? '')),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(ticket ? { ticket } : {}),
    page: page ?? 1,
  };
}

/** The store filter of a search: one extra row tells whether a next page exists. */
export function toListFilter(search: InstanceSearch, timeZone: string, now: Date): InstanceListFilter {
  const startedFrom = search.from ? dayStart(search.from, timeZone) : undefined;
  const startedBefore = search.to ? dayStart(search.to, timeZone, 1) : undefined;
  return {
    ...(search.procedure ? { procedureId: search.procedure } : {}),
    ...(search.status ? { status: search.status } : {}),
    ...(startedFrom ? { startedFrom } : {}),
    ...(startedBefore ? { startedBefore } : {}),
    ...(search.overdue ? { overdueAt: now } : {}),
    ...(search.ticket ? { businessKeyContains: search.ticket } : {}),
    skip: (search.page - 1) * PAGE_SIZE,
    limit: PAGE_SIZE + 1,
  };
}

/** Midnight starting `day` (+ `plusDays`) in the zone, or undefined for a malformed day. */
function dayStart(day: string, timeZone: string, plusDays = 0): Date | undefined {
  if (!DAY.test(day)) return undefined;
  const start = DateTime.fromISO(day, { zone: timeZone });
  return start.isValid ? start.plus({ days: plusDays }).toJSDate() : undefined;
}

function pageNumber(value: unknown): number | undefined {
  if (value === undefined || value === '') return 1;
  const page = Number(value);
  return Number.isInteger(page) && page >= 1 && page <= MAX_PAGE ? page : undefined;
}
