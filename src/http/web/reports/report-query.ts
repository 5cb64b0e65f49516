import type { Request } from 'express';
import type { ReportProcedure, ReportRequest } from '../../../app/reports-service.js';
import { AppError } from '../../../domain/errors.js';
import type { GroupBy, Metric } from '../../../domain/reports/figures.js';
import { localDayOf, PERIOD_KINDS, periodOf, type PeriodKind } from '../../../domain/reports/period.js';

/** The report a page asks for, and its parameters as given (for forms and links). */
export interface ParsedReport {
  readonly request: ReportRequest;
  readonly params: Readonly<Record<string, string>>;
}

/** The groupings every procedure offers (dimensions come from the procedure). */
export const FIXED_GROUPS: readonly GroupBy[] = ['none', 'procedure', 'version', 'channel', 'agent', 'group'];
const METRIC = /^(opened|closed|backlog|fcr|reassigned|surveyed|(met|breached):[A-Za-z0-9_.-]{1,64})$/;

/** The first value of a query parameter, at most 100 characters. */
export function param(req: Request, key: string): string | undefined {
  const raw = req.query[key];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return typeof value === 'string' && value !== '' ? value.slice(0, 100) : undefined;
}

/**
 * Reads `kind` (day|week|month|custom, default month), `day` (a date in the period, default today),
 * `to` (custom: last day), `procedure` and `groupBy` (none, procedure, version, channel, agent, group or
 * `dim:<variable>` of a declared dimension). Bad values: BAD_REQUEST naming the parameter.
 */
export function parseReport(
  req: Request,
  procedures: readonly ReportProcedure[],
  now: Date,
  zone: string,
): ParsedReport {
  const kindText = param(req, 'kind') ?? 'month';
  if (!PERIOD_KINDS.includes(kindText as PeriodKind))
    throw bad('kind', `period kind "${kindText}" is not day, week, month or custom`);
  const kind = kindText as PeriodKind;
  const day = param(req, 'day') ?? localDayOf(now, zone);
  const to = param(req, 'to');
  const period = periodOf(kind, day, zone, kind === 'custom' ? (to ?? day) : undefined);
  const procedureId = param(req, 'procedure');
  const procedure = procedureId ? procedures.find((p) => p.id === procedureId) : undefined;
  if (procedureId && !procedure) throw bad('procedure', `procedure <${procedureId}> is not deployed`);
  const groupBy = (param(req, 'groupBy') ?? 'none') as GroupBy;
  const dimensions = (procedure ? [procedure] : procedures).flatMap((p) =>
    p.dimensions.map((d) => `dim:${d.variable}`),
  );
  if (!FIXED_GROUPS.includes(groupBy) && !dimensions.includes(groupBy))
    throw bad('groupBy', `groupBy "${groupBy}" is not a grouping of this report`);
  const params: Record<string, string> = { kind, day: period.firstDay, groupBy };
  if (kind === 'custom') params.to = period.lastDay;
  if (procedureId) params.procedure = procedureId;
  return { request: { period, groupBy, ...(procedureId ? { procedureId } : {}) }, params };
}

/** The `metric` parameter of a drill-down link. */
export function parseMetric(req: Request): Metric {
  const metric = param(req, 'metric') ?? '';
  if (!METRIC.test(metric)) throw bad('metric', `metric "${metric}" is not a report figure`);
  return metric as Metric;
}

/** A query string of the parameters plus `extra`. */
export function queryString(
  params: Readonly<Record<string, string>>,
  extra: Record<string, string> = {},
): string {
  return new URLSearchParams({ ...params, ...extra }).toString();
}

function bad(field: string, message: string): AppError {
  return new AppError('BAD_REQUEST', `report parameter <${field}>: ${message}`, [
    { path: field, reason: 'invalid', message },
  ]);
}
