import { AppError, type FieldIssue } from '../errors.js';
import { durationMs } from './duration.js';
import type { EscalationLevel, SlaPolicy, SlaStop, SlaTargetSpec, SlaTrigger } from './policy.js';

type Json = Record<string, unknown>;
const ID = /^[A-Za-z][\w-]*$/;

/** Validates an SLA policy file; throws SLA_POLICY_INVALID listing every issue. */
export function parseSlaPolicy(json: unknown, source: string): SlaPolicy {
  const issues: FieldIssue[] = [];
  const problem = (path: string, message: string) => issues.push({ path, reason: 'sla-policy', message });
  const root = isObject(json) ? json : (problem('$', 'must be a JSON object'), {});
  const procedureId = idAt(root, 'procedureId', problem);
  const calendar = idAt(root, 'calendar', problem);
  const severityVariable = optionalString(root.severityVariable, 'severityVariable', problem);
  const targets = arrayAt(root, 'targets', problem).map((t, i) => target(t, `targets[${i}]`, problem));
  const targetIds = targets.map((t) => t.id);
  duplicates(targetIds).forEach((id) => problem('targets', `target id <${id}> is used twice`));
  const escalation = (root.escalation === undefined ? [] : arrayAt(root, 'escalation', problem)).map(
    (level, i) => escalationLevel(level, `escalation[${i}]`, targetIds, problem),
  );
  if (issues.length) {
    throw new AppError(
      'SLA_POLICY_INVALID',
      `SLA policy ${source}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return {
    procedureId,
    calendar,
    ...(severityVariable ? { severityVariable } : {}),
    targets,
    escalation,
  };
}

type Problem = (path: string, message: string) => void;

function target(value: unknown, path: string, problem: Problem): SlaTargetSpec {
  const t = isObject(value) ? value : (problem(path, 'must be an object'), {});
  const targetMs = targetTable(t.target, `${path}.target`, problem);
  const warn = t.warnAtPercent;
  if (warn !== undefined && !(typeof warn === 'number' && warn > 0 && warn < 100))
    problem(`${path}.warnAtPercent`, 'must be a number between 0 and 100 (exclusive)');
  const onRestart = t.onRestart ?? 'reset';
  if (onRestart !== 'reset' && onRestart !== 'continue')
    problem(`${path}.onRestart`, 'must be "reset" or "continue"');
  return {
    id: idAt(t, 'id', problem, path),
    name: typeof t.name === 'string' && t.name ? t.name : String(t.id ?? ''),
    start: trigger(t.start, `${path}.start`, problem),
    stop: stop(t.stop, `${path}.stop`, problem),
    pauseWhile: stringList(t.pauseWhile ?? [], `${path}.pauseWhile`, problem),
    targetMs,
    ...(typeof warn === 'number' ? { warnAt: warn / 100 } : {}),
    onRestart: onRestart === 'continue' ? 'continue' : 'reset',
  };
}

function trigger(value: unknown, path: string, problem: Problem): SlaTrigger {
  if (isObject(value) && value.instanceStarted === true) return { instanceStarted: true };
  if (isObject(value) && typeof value.activityActive === 'string' && ID.test(value.activityActive))
    return { activityActive: value.activityActive };
  problem(path, 'must be {"instanceStarted": true} or {"activityActive": "<activity id>"}');
  return { instanceStarted: true };
}

function stop(value: unknown, path: string, problem: Problem): SlaStop {
  if (isObject(value) && value.instanceEnded === true) return { instanceEnded: true };
  if (isObject(value) && typeof value.activityCompleted === 'string' && ID.test(value.activityCompleted))
    return { activityCompleted: value.activityCompleted };
  problem(path, 'must be {"instanceEnded": true} or {"activityCompleted": "<activity id>"}');
  return { instanceEnded: true };
}

function targetTable(value: unknown, path: string, problem: Problem): SlaTargetSpec['targetMs'] {
  const table: Record<string, number> = {};
  if (!isObject(value) || typeof value.default !== 'string') {
    problem(path, 'must map severities to ISO durations and include "default", e.g. {"default": "PT4H"}');
    return { default: 0 };
  }
  for (const [severity, duration] of Object.entries(value)) {
    const ms = typeof duration === 'string' ? durationMs(duration) : undefined;
    if (!ms)
      problem(`${path}.${severity}`, `"${String(duration)}" is not a positive duration like PT30M or P1DT4H`);
    table[severity] = ms ?? 0;
  }
  return { ...table, default: table.default ?? 0 };
}

function escalationLevel(value: unknown, path: string, targets: string[], problem: Problem): EscalationLevel {
  const e = isObject(value) ? value : (problem(path, 'must be an object'), {});
  const level = e.level;
  if (!(typeof level === 'number' && Number.isInteger(level) && level > 0))
    problem(`${path}.level`, 'must be a positive integer');
  const targetId = typeof e.target === 'string' ? e.target : '';
  if (!targets.includes(targetId)) problem(`${path}.target`, `unknown target <${targetId}>`);
  if (e.on !== 'warning' && e.on !== 'breach') problem(`${path}.on`, 'must be "warning" or "breach"');
  const group = optionalString(e.group, `${path}.group`, problem);
  const notify = stringList(e.notify ?? [], `${path}.notify`, problem);
  if (!group && !notify.length) problem(path, 'needs a "group" to give a task to, or contacts to "notify"');
  const whenClosed = e.whenClosed;
  if (whenClosed !== undefined && whenClosed !== 'notify' && whenClosed !== 'skip')
    problem(`${path}.whenClosed`, 'must be "notify" or "skip"');
  return {
    level: typeof level === 'number' ? level : 0,
    target: targetId,
    on: e.on === 'warning' ? 'warning' : 'breach',
    ...(e.severities !== undefined
      ? { severities: stringList(e.severities, `${path}.severities`, problem) }
      : {}),
    ...(group ? { group } : {}),
    notify,
    template: typeof e.template === 'string' && ID.test(e.template) ? e.template : 'escalation-notice',
    ...(whenClosed === 'skip' || whenClosed === 'notify' ? { whenClosed } : {}),
  };
}

function idAt(object: Json, key: string, problem: Problem, path?: string): string {
  const value = object[key];
  if (typeof value === 'string' && ID.test(value)) return value;
  problem(path ? `${path}.${key}` : key, 'must be an id (letters, digits, "-", "_")');
  return '';
}

function arrayAt(object: Json, key: string, problem: Problem): unknown[] {
  const value = object[key];
  if (Array.isArray(value)) return value;
  problem(key, 'must be an array');
  return [];
}

function stringList(value: unknown, path: string, problem: Problem): string[] {
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' && v)) return value as string[];
  problem(path, 'must be an array of non-empty strings');
  return [];
}

function optionalString(value: unknown, path: string, problem: Problem): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value) return value;
  problem(path, 'must be a non-empty string');
  return undefined;
}

function duplicates(values: readonly string[]): string[] {
  return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
