/**
 * Scheduled reports as data (docs/adr/0027), `config/reports/schedules.json`:
 * `{ "schedules": [{ "id", "name", "period": "day"|"week"|"month", "timeZone", "calendar"?, "procedureId"?,
 * "groupBy"?, "kind"?, "recipients": [{ "group" | "email", "language" }] }] }`. Each ended period is
 * sent once, after it ends, to every recipient in their language with the report's CSV attached:
 * the figures (`kind` "figures", the default), or one line per ticket opened in the period
 * ("opened", each marked still open or not) or opened and still open at its end ("backlog").
 */
import { AppError, type FieldIssue } from '../errors.js';
import { isKnownZone } from '../calendar/local-time.js';
import { isDirectoryAddress, isGroupId } from '../directory.js';
import type { GroupBy } from './figures.js';

/** Who receives a scheduled report: a directory group's mailboxes or one address, in a language. */
export interface ReportRecipient {
  readonly group?: string;
  readonly email?: string;
  readonly language: 'es' | 'it' | 'en';
}

/** What a scheduled report's CSV holds: the figures, or the tickets behind one of them. */
export type ScheduleKind = 'figures' | 'opened' | 'backlog';
const KINDS: readonly ScheduleKind[] = ['figures', 'opened', 'backlog'];

/** One scheduled report. */
export interface ReportSchedule {
  readonly id: string;
  readonly name: string;
  readonly period: 'day' | 'week' | 'month';
  readonly timeZone: string;
  /**
   * A business calendar id (config/calendars, docs/adr/0035): nothing is sent on a day the
   * calendar is closed all day, a daily report covers the calendar's last open day, and the
   * periods are counted in the calendar's time zone (it wins over `timeZone`).
   */
  readonly calendar?: string;
  readonly procedureId?: string;
  readonly groupBy: GroupBy;
  readonly kind: ScheduleKind;
  readonly recipients: readonly ReportRecipient[];
}

/** Most schedules and recipients per schedule. */
const MAX_SCHEDULES = 100;
const MAX_RECIPIENTS = 20;
const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const GROUP_BY = /^(none|procedure|version|channel|agent|group|dim:[A-Za-z_][A-Za-z0-9_]{0,63})$/;

/** Reads and checks the schedules; SCHEDULE_INVALID lists every problem, naming the field. */
export function parseSchedules(json: unknown, source: string): ReportSchedule[] {
  const issues: FieldIssue[] = [];
  const problem = (path: string, message: string) => issues.push({ path, reason: 'invalid', message });
  const list = (json as { schedules?: unknown } | null)?.schedules;
  if (!Array.isArray(list) || list.length > MAX_SCHEDULES) {
    problem('schedules', `must be a list of at most ${MAX_SCHEDULES} schedules`);
    throw invalid(source, issues);
  }
  const schedules = list.map((raw: unknown, i) => schedule(raw, `schedules[${i}]`, problem));
  const ids = schedules.map((s) => s.id);
  ids.forEach((id, i) => ids.indexOf(id) !== i && problem(`schedules[${i}].id`, `id "${id}" is used twice`));
  if (issues.length) throw invalid(source, issues);
  return schedules;
}

function schedule(
  raw: unknown,
  path: string,
  problem: (path: string, message: string) => void,
): ReportSchedule {
  const s = (raw ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof s[key] === 'string' ? (s[key] as string).trim() : undefined);
  const id = text('id') ?? '';
  if (!ID.test(id)) problem(`${path}.id`, 'id must be lowercase letters, digits and dashes');
  const period = text('period') ?? '';
  if (!['day', 'week', 'month'].includes(period))
    problem(`${path}.period`, 'period must be day, week or month');
  const timeZone = text('timeZone') ?? 'UTC';
  if (!isKnownZone(timeZone)) problem(`${path}.timeZone`, `time zone "${timeZone}" is unknown`);
  const groupBy = text('groupBy') ?? 'none';
  if (!GROUP_BY.test(groupBy)) problem(`${path}.groupBy`, `groupBy "${groupBy}" is not a grouping`);
  const kind = text('kind') ?? 'figures';
  if (!KINDS.includes(kind as ScheduleKind))
    problem(`${path}.kind`, `kind "${kind.slice(0, 40)}" is not figures, opened or backlog`);
  const procedureId = text('procedureId');
  const calendar = text('calendar');
  if (calendar !== undefined && !ID.test(calendar))
    problem(`${path}.calendar`, `calendar "${calendar.slice(0, 80)}" is not a calendar id`);
  const recipients = Array.isArray(s.recipients) ? s.recipients : [];
  if (recipients.length === 0 || recipients.length > MAX_RECIPIENTS)
    problem(`${path}.recipients`, `list 1 to ${MAX_RECIPIENTS} recipients`);
  return {
    id,
    name: (text('name') ?? id).slice(0, 200),
    period: period as ReportSchedule['period'],
    timeZone,
    groupBy: groupBy as GroupBy,
    kind: kind as ScheduleKind,
    ...(procedureId ? { procedureId } : {}),
    ...(calendar ? { calendar } : {}),
    recipients: recipients
      .slice(0, MAX_RECIPIENTS)
      .map((r: unknown, i) => recipient(r, `${path}.recipients[${i}]`, problem)),
  };
}

function recipient(
  raw: unknown,
  path: string,
  problem: (path: string, message: string) => void,
): ReportRecipient {
  const r = (raw ?? {}) as Record<string, unknown>;
  const language = r.language === 'it' || r.language === 'en' || r.language === 'es' ? r.language : undefined;
  if (!language) problem(`${path}.language`, 'language must be es, it or en');
  const group = typeof r.group === 'string' ? r.group.trim() : undefined;
  const email = typeof r.email === 'string' ? r.email.trim() : undefined;
  if (!group === !email) problem(path, 'name either a directory group or an email');
  // The same rules as at send time, so a schedule that loads can be delivered.
  if (email && !isDirectoryAddress(email))
    problem(`${path}.email`, `"${email.slice(0, 80)}" is not an email address`);
  if (group && !isGroupId(group)) problem(`${path}.group`, `"${group.slice(0, 80)}" is not a directory group id`);
  return { ...(group ? { group } : {}), ...(email ? { email } : {}), language: language ?? 'en' };
}

function invalid(source: string, issues: FieldIssue[]): AppError {
  return new AppError(
    'VALIDATION_FAILED',
    `report schedules ${source}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
    issues,
  );
}
