import { dueOf, priorityOf, requesterOf } from '../../src/app/inbox-service.js';
import type { TaskRecord } from '../../src/domain/instance.js';
import type { SlaClock } from '../../src/domain/sla.js';
import { applyFilters, parseFilters } from '../../src/http/web/agent/inbox-filters.js';
import { backTo } from '../../src/http/web/agent/back-to.js';

const at = (iso: string) => new Date(iso);

function task(id: string, extra: Partial<TaskRecord> = {}): TaskRecord {
  return {
    id,
    instanceId: `i-${id}`,
    procedureId: 'p',
    businessKey: `T-${id}`,
    activityId: 'a',
    executionId: id,
    name: id,
    candidateGroups: ['l1'],
    status: 'open',
    createdAt: at('2025-01-01T08:00:00Z'),
    ...extra,
  };
}

function clock(id: string, status: SlaClock['status'], dueAt?: string): SlaClock {
  return {
    id,
    name: `SLA ${id}`,
    status,
    calendarId: 'c',
    targetMs: 1,
    elapsedMs: 0,
    escalated: [],
    startMark: 0,
    stopMark: 0,
    ...(dueAt ? { dueAt: at(dueAt) } : {}),
  };
}

describe('inbox facts and filters', () => {
  test('given a task deadline and SLA clocks, then the due date is the earliest running one', () => {
    const clocks = [
      clock('resolution', 'running', '2025-01-01T12:00:00Z'),
      clock('response', 'paused', '2025-01-01T09:00:00Z'),
      clock('done', 'met', '2025-01-01T08:30:00Z'),
    ];

    expect(dueOf(task('a', { dueAt: at('2025-01-02T00:00:00Z') }), clocks)).toEqual({
      at: at('2025-01-01T12:00:00Z'),
      source: 'sla',
      clockName: 'SLA resolution',
    });
    expect(dueOf(task('b', { dueAt: at('2025-01-01T10:00:00Z') }), clocks)).toEqual({
      at: at('2025-01-01T10:00:00Z'),
      source: 'task',
    });
    expect(dueOf(task('c'), undefined)).toBeUndefined();
  });

  test('given ticket variables, then requester and priority come from the first known key', () => {
    expect(requesterOf({ nombre: ' Ana ', requesterName: '' })).toBe('Ana');
    expect(requesterOf({ other: 'x' })).toBeUndefined();
    expect(priorityOf({ prioridad: 'Alta' })).toEqual({ priority: 'Alta', rank: 1 });
    expect(priorityOf({ severity: 'weird' }).rank).toBeGreaterThan(priorityOf({ priority: 'low' }).rank);
  });

  test('given query parameters, then unknown values fall back and filters narrow and sort the rows', () => {
    const entry = (id: string, extra: Partial<TaskRecord>, rank: number, overdue: boolean, due?: string) => ({
      task: task(id, extra),
      procedureName: 'P',
      ticketNumber: id,
      priorityRank: rank,
      overdue,
      ...(due ? { due: { at: at(due), source: 'task' as const } } : {}),
    });
    const rows = [
      entry('late', {}, 2, true, '2025-01-01T09:00:00Z'),
      entry('mine', { assignee: 'luis', createdAt: at('2025-01-03T00:00:00Z') }, 0, false),
      entry('l2', { candidateGroups: ['l2'] }, 1, false, '2025-01-05T00:00:00Z'),
    ];
    const ids = (query: Record<string, unknown>) =>
      applyFilters(rows, parseFilters(query), 'luis').map((row) => row.task.id);

    expect(parseFilters({ sort: 'evil', view: 'x', group: '../x' })).toEqual({
      view: 'all',
      overdueOnly: false,
      sort: 'due',
    });
    expect(ids({})).toEqual(['late', 'l2', 'mine']);
    expect(ids({ sort: 'priority' })).toEqual(['mine', 'l2', 'late']);
    expect(ids({ sort: 'created' })[0]).toBe('mine');
    expect(ids({ view: 'mine' })).toEqual(['mine']);
    expect(ids({ overdue: '1' })).toEqual(['late']);
    expect(ids({ group: 'l2' })).toEqual(['l2']);
  });

  test('given redirect targets, then only agent pages are followed', () => {
    expect(backTo('/inbox?view=mine&sort=due')).toBe('/inbox?view=mine&sort=due');
    expect(backTo('/tasks/abc%3Adef')).toBe('/tasks/abc%3Adef');
    for (const bad of [
      '//evil.example',
      'https://evil.example/inbox',
      '/inbox\\x',
      '/admin/users',
      '/tasks/a/b',
      7,
    ]) {
      expect(backTo(bad)).toBe('/inbox');
    }
  });
});
