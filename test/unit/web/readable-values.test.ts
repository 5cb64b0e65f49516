import { currentSteps } from '../../../src/app/monitoring-figures.js';
import { taskDue, ticketDue } from '../../../src/domain/due.js';
import { parseFormSchema } from '../../../src/domain/forms/index.js';
import type { InstanceEvent, PendingTimer } from '../../../src/domain/instance.js';
import type { ProcedureCatalog } from '../../../src/domain/procedure.js';
import type { SlaClock } from '../../../src/domain/sla.js';
import { auditLines } from '../../../src/http/web/core/audit-lines.js';
import { fieldLabels, NO_LABELS } from '../../../src/http/web/core/field-labels.js';

const at = (iso: string) => new Date(iso);

const intake = parseFormSchema(
  {
    type: 'default',
    id: 'intake',
    components: [
      {
        type: 'radio',
        key: 'channel',
        label: 'Vía de contacto',
        values: [
          { label: 'Llamado telefónico', value: 'phone' },
          { label: 'Correo electrónico', value: 'email' },
        ],
      },
      {
        type: 'checklist',
        key: 'checks',
        label: 'Comprobado',
        values: [
          { label: 'Red', value: 'net' },
          { label: 'PACS', value: 'pacs' },
        ],
      },
      { type: 'textfield', key: 'requesterName', label: 'Nombre' },
    ],
  },
  'intake',
);

const timer = (activityId: string, dueAt: string, attachedTo?: string): PendingTimer => ({
  activityId,
  executionId: `${activityId}_0`,
  dueAt: at(dueAt),
  timerType: 'timeDuration',
  value: 'PT4H',
  ...(attachedTo ? { attachedTo } : {}),
});

const clock = (dueAt: string, status: SlaClock['status'] = 'running'): SlaClock => ({
  id: 'resolution',
  name: 'Resolución',
  status,
  calendarId: 'c',
  targetMs: 1,
  elapsedMs: 0,
  dueAt: at(dueAt),
  escalated: [],
  startMark: 1,
  stopMark: 0,
});

describe('form values as people wrote them', () => {
  test('given a radio value, then the option label shows instead of the stored value', () => {
    const labels = fieldLabels([intake]);

    expect(labels.label('channel')).toBe('Vía de contacto');
    expect(labels.value('channel', 'phone')).toBe('Llamado telefónico');
    expect(labels.value('checks', ['net', 'pacs'])).toBe('Red, PACS');
    expect(labels.value('requesterName', 'Ana')).toBe('Ana');
  });

  test('given a value no form knows, then it shows as stored (objects as JSON, cut)', () => {
    expect(NO_LABELS.label('channel')).toBeUndefined();
    expect(NO_LABELS.value('channel', 'phone')).toBe('phone');
    expect(NO_LABELS.value('x', { a: 1 })).toBe('{"a":1}');
    expect(NO_LABELS.value('x', 'y'.repeat(500))).toHaveLength(300);
  });
});

describe('audit lines', () => {
  const event = (seq: number, type: string, data: Record<string, unknown>): InstanceEvent => ({
    instanceId: 'i',
    seq,
    type,
    actor: 'luis',
    at: at('2030-01-01T10:00:00Z'),
    data,
  });
  const names = {
    fields: fieldLabels([intake]),
    taskName: (id: string) => (id === 'i:t1' ? 'Registrar' : undefined),
    activityName: (id: string) => (id === 'warn' ? '4 horas sin resolver' : id),
  };

  test('given known events, then each has a readable label key, its subject and the values it set', () => {
    const lines = auditLines(
      [
        event(1, 'instance.started', { definitionId: 'p@1', variables: { channel: 'phone' } }),
        event(2, 'task.completed', { taskId: 'i:t1', activityId: 't1', data: { requesterName: 'Ana' } }),
        event(3, 'task.assigned', { taskId: 'i:t1', assignee: 'marta' }),
        event(4, 'timer.fired', { instanceId: 'i', activityId: 'warn', executionId: 'warn_0' }),
      ],
      names,
    );

    expect(lines.map((line) => line.labelKey)).toEqual([
      'common.events.instance_started',
      'common.events.task_completed',
      'common.events.task_assigned',
      'common.events.timer_fired',
    ]);
    expect(lines[0]!.changes).toEqual([
      { key: 'channel', label: 'Vía de contacto', value: 'Llamado telefónico' },
    ]);
    expect(lines[1]).toMatchObject({ subject: 'Registrar', changes: [{ label: 'Nombre', value: 'Ana' }] });
    expect(lines[2]!.changes).toEqual([
      { key: 'assignee', labelKey: 'common.events.fields.assignee', value: 'marta' },
    ]);
    expect(lines[3]).toMatchObject({ subject: '4 horas sin resolver', changes: [] });
    expect(JSON.parse(lines[3]!.json)).toEqual({
      instanceId: 'i',
      activityId: 'warn',
      executionId: 'warn_0',
    });
  });

  test('given an unknown event type, then it has no label key (the type shows) and still its JSON', () => {
    const [line] = auditLines([event(1, 'custom.thing', { a: 1 })], names);

    expect(line!.labelKey).toBeUndefined();
    expect(line!.json).toContain('"a": 1');
  });
});

describe('steps and due instants', () => {
  const catalog = {
    timers: {
      warn: { id: 'warn', name: '4 horas sin resolver', eventType: 'boundary' },
      weekly: { id: 'weekly', name: 'Reunión semanal', eventType: 'intermediate' },
    },
  } as unknown as ProcedureCatalog;

  test('given a task with its boundary timer active, then only the task is a current step', () => {
    expect(currentSteps(['work', 'warn', 'work'], catalog)).toEqual(['work']);
    expect(currentSteps(['weekly'], catalog)).toEqual(['weekly']); // a wait of its own is a step
    expect(currentSteps(['work', 'warn'], undefined)).toEqual(['work', 'warn']);
  });

  test('given a task timer before the SLA target, then task and ticket have the same due instant, named a task timer', () => {
    const head = {
      timers: [
        timer('warn', '2030-01-01T14:00:00Z', 'work'),
        { ...timer('sla-warning', '2030-01-01T13:00:00Z'), executionId: 'sla:resolution:warning:1' },
      ],
      sla: [clock('2030-01-01T18:00:00Z')],
    };

    const ofTask = taskDue({ activityId: 'work' }, head);
    const ofTicket = ticketDue(head);

    expect(ofTask).toEqual({
      at: at('2030-01-01T14:00:00Z'),
      kind: 'task-timer',
      source: 'warn',
      attachedTo: 'work',
    });
    expect(ofTicket).toEqual(ofTask); // the SLA warning threshold is not a due instant
  });

  test('given two tasks, then each task is due by its own timer and the ticket by the earliest, each saying what it is', () => {
    const head = {
      timers: [timer('warn-a', '2030-01-01T16:00:00Z', 'a'), timer('warn-b', '2030-01-01T12:00:00Z', 'b')],
      sla: [clock('2030-01-01T14:00:00Z'), clock('2030-01-01T09:00:00Z', 'paused')],
    };

    expect(taskDue({ activityId: 'a' }, head)).toMatchObject({ kind: 'sla', source: 'Resolución' });
    expect(taskDue({ activityId: 'b' }, head)).toMatchObject({ kind: 'task-timer', source: 'warn-b' });
    expect(ticketDue(head)).toMatchObject({ kind: 'task-timer', source: 'warn-b' });
    expect(ticketDue({ timers: [timer('weekly', '2030-01-02T09:00:00Z')] })).toMatchObject({ kind: 'timer' });
    expect(ticketDue({ timers: [] })).toBeUndefined();
  });

  test('given a task whose timer fired, then its recorded deadline is still its due instant', () => {
    expect(taskDue({ activityId: 'work', dueAt: at('2030-01-01T10:00:00Z') }, { timers: [] })).toEqual({
      at: at('2030-01-01T10:00:00Z'),
      kind: 'task-timer',
      source: '',
      attachedTo: 'work',
    });
  });
});
