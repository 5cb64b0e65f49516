import { readFile } from 'node:fs/promises';
import { BpmnDefinitionParser } from '../../src/adapters/bpmn/definition-parser.js';
import { dueOf, requesterOf } from '../../src/app/inbox-service.js';
import { MAX_PRIORITY_LEVELS, priorityOf } from '../../src/domain/priority.js';
import { rejection } from '../support/errors.js';
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

    const head = { timers: [], sla: clocks };

    expect(dueOf(task('a', { dueAt: at('2025-01-02T00:00:00Z') }), head)).toEqual({
      at: at('2025-01-01T12:00:00Z'),
      kind: 'sla',
      source: 'SLA resolution',
      name: 'SLA resolution',
    });
    // A deadline recorded on the task (its timer already fired) is named after the task.
    expect(dueOf(task('b', { dueAt: at('2025-01-01T10:00:00Z') }), head)).toEqual({
      at: at('2025-01-01T10:00:00Z'),
      kind: 'task-timer',
      source: '',
      attachedTo: 'a',
      name: 'b',
    });
    expect(dueOf(task('c'), undefined)).toBeUndefined();
  });

  test('given ticket variables, then the requester comes from the first known key and the priority from the declared scale', () => {
    expect(requesterOf({ nombre: ' Ana ', requesterName: '' })).toBe('Ana');
    expect(requesterOf({ other: 'x' })).toBeUndefined();
    const cita = {
      variable: 'prioridad',
      levels: [
        { value: 'Alta', label: 'Alta' },
        { value: 'Baja', label: 'Baja' },
      ],
    };
    expect(priorityOf({ prioridad: 'Alta' }, cita)).toEqual({ priority: 'Alta', label: 'Alta', rank: 0 });
    expect(priorityOf({ prioridad: 'weird' }, cita).rank).toBeGreaterThan(
      priorityOf({ prioridad: 'Baja' }, cita).rank,
    );
  });

  describe('priority declared by the procedure (priorityVariable / priorityValues, docs/adr/0021)', () => {
    const parser = new BpmnDefinitionParser();
    const catalogOf = async (file: string, xml?: string) =>
      (await parser.parse(xml ?? (await readFile(`processes/${file}.bpmn`, 'utf8')), file, `${file}.bpmn`))
        .catalog;

    test('given the Tuscan procedure, then "Guasto bloccante" (failureType blocking) shows and ranks first', async () => {
      const { priority } = await catalogOf('tuscan-gp-helpdesk');
      expect(priority).toEqual({
        variable: 'failureType',
        levels: [
          { value: 'blocking', label: 'Guasto bloccante' },
          { value: 'non-blocking', label: 'Anomalia o guasto non bloccante' },
        ],
      });
      expect(priorityOf({ failureType: 'blocking' }, priority)).toEqual({
        priority: 'blocking',
        label: 'Guasto bloccante',
        rank: 0,
      });
      expect(priorityOf({ failureType: 'non-blocking' }, priority).rank).toBe(1);
      expect(priorityOf({}, priority)).toEqual({ rank: MAX_PRIORITY_LEVELS });
    });

    test('given the four shipped procedures, then cita and Tuscan declare a scale and the others (no priority in their seeds) none', async () => {
      const declared = async (id: string) => (await catalogOf(id)).priority?.variable;
      expect(await declared('cita-report')).toBe('priority');
      expect(await declared('tuscan-gp-helpdesk')).toBe('failureType');
      expect(await declared('radiology-support')).toBeUndefined();
      expect(await declared('complaints')).toBeUndefined();
    });

    test('given no declared scale, then field names are not guessed: no priority', () => {
      expect(priorityOf({ priority: 'high', severity: 'critical', failureType: 'blocking' })).toEqual({
        rank: MAX_PRIORITY_LEVELS,
      });
    });

    test.each([
      ['a value listed twice', 'blocking=A; blocking=B', 'priorityValues lists "blocking" twice'],
      ['no values', ' ; ', 'priorityValues must list 1 to 20'],
      [
        'a value with spaces',
        'very high=Molto alta',
        'priorityValues item "very high=Molto alta" needs a value',
      ],
    ])(
      'given priorityValues with %s, when deployed, then PROCEDURE_INVALID names the process',
      async (_case, values, message) => {
        const xml = (await readFile('processes/tuscan-gp-helpdesk.bpmn', 'utf8')).replace(
          /name="priorityValues" value="[^"]*"/,
          `name="priorityValues" value="${values}"`,
        );
        const error = await rejection(catalogOf('tuscan-gp-helpdesk', xml));
        expect(error.code).toBe('PROCEDURE_INVALID');
        expect(error.details).toEqual([
          { path: 'tuscan-gp-helpdesk', reason: 'priority', message: expect.stringContaining(message) },
        ]);
        expect(error.message).toContain('<tuscan-gp-helpdesk>');
      },
    );
  });

  test('given query parameters, then unknown values fall back and filters narrow and sort the rows', () => {
    const entry = (id: string, extra: Partial<TaskRecord>, rank: number, overdue: boolean, due?: string) => ({
      task: task(id, extra),
      procedureName: 'P',
      ticketNumber: id,
      priorityRank: rank,
      overdue,
      groupNames: task(id, extra).candidateGroups,
      ...(due ? { due: { at: at(due), kind: 'task-timer' as const, source: 't', name: 'T' } } : {}),
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
