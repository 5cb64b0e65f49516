import path from 'node:path';
import pino from 'pino';
import type { InstanceEvent } from '../../../src/domain/instance.js';
import { auditLines } from '../../../src/http/web/core/audit-lines.js';
import { NO_LABELS } from '../../../src/http/web/core/field-labels.js';
import { Translations, UI_LANGUAGES } from '../../../src/http/web/core/i18n.js';

const event = (seq: number, type: string, data: Record<string, unknown>): InstanceEvent => ({
  instanceId: 'i',
  seq,
  type,
  actor: 'luis',
  at: new Date('2030-01-01T10:00:00Z'),
  data,
});

const names = {
  fields: NO_LABELS,
  taskName: () => undefined,
  activityName: (id: string) => ({ wait: 'Esperar al solicitante', review: 'Revisar' })[id] ?? id,
};

const file = (name: string, size: number, visibility: 'public' | 'internal') => ({
  id: `a-${name}`,
  name,
  size,
  contentType: 'application/pdf',
  visibility,
});

/** Every event type the app commits besides the older ones (conversation, survey, links, migration...). */
const NEW_EVENTS: InstanceEvent[] = [
  event(1, 'conversation.reply', {
    entryId: 'e1',
    body: `Hola,\n\n  le enviamos   el informe. ${'x'.repeat(300)}`,
    attachments: [file('informe.pdf', 20_480, 'public'), file('notas.pdf', 100, 'internal')],
    via: 'web',
  }),
  event(2, 'conversation.note', { entryId: 'e2', body: 'Llamar mañana', attachments: [] }),
  event(3, 'conversation.requester', {
    entryId: 'e3',
    body: 'Adjunto la cita',
    attachments: [],
    via: 'email',
  }),
  event(4, 'survey.answered', { rating: 4, comment: 'Rápido', via: 'paper' }),
  event(5, 'requester.links-revoked', {}),
  event(6, 'requester.link-sent', {}),
  event(7, 'instance.migrated', {
    from: 'cita@1',
    to: 'cita@2',
    moves: [
      { from: 'wait', to: 'wait' },
      { from: 'check', to: 'review' },
    ],
  }),
  event(8, 'message.received', {
    name: 'requester-reply',
    activityIds: ['wait'],
    targets: [],
    variables: { requesterReply: 'Listo' },
  }),
  event(9, 'signal.received', { name: 'outage', activityIds: [], targets: [] }),
  event(10, 'sla.breach', {
    clock: 'resolution',
    name: 'Resolución',
    threshold: 'breach',
    levels: [{ level: 1, group: 'specialised-desk', notify: [] }],
  }),
  event(11, 'call.completed', { activityId: 'review', businessKey: 'SUB-2030-000001', variables: {} }),
  event(12, 'call.failed', { activityId: 'review', status: 'cancelled' }),
];

describe('readable audit lines of the newer event types', () => {
  const lines = auditLines(NEW_EVENTS, names);
  const change = (seq: number, key: string) =>
    lines.find((line) => line.seq === seq)?.changes.find((c) => c.key === key);

  test('given any committed event type, then it has a label key, never the raw code', () => {
    expect(lines.every((line) => line.labelKey !== undefined)).toBe(true);
    expect(lines[0]!.labelKey).toBe('audit.events.conversation_reply');
    expect(lines[4]!.labelKey).toBe('audit.events.requester_links_revoked');
  });

  test('given a reply with files, then the body shows folded and cut, public and internal files apart, and how it came', () => {
    const body = change(1, 'body')!;
    expect(body.value.startsWith('Hola, le enviamos el informe. xxx')).toBe(true);
    expect([...body.value]).toHaveLength(160);
    expect(body.value.endsWith('…')).toBe(true);
    expect(change(1, 'attachments')).toMatchObject({
      labelKey: 'audit.fields.attachments',
      value: 'informe.pdf (20 KB)',
    });
    expect(change(1, 'internalAttachments')!.value).toBe('notas.pdf (1 KB)');
    expect(change(1, 'via')).toMatchObject({ value: 'web', valueKey: 'audit.values.via.web' });
    expect(change(3, 'via')!.valueKey).toBe('audit.values.via.email');
    expect(change(2, 'attachments')).toBeUndefined();
  });

  test('given a survey answer, then rating out of 5, the comment and a paper ballot show', () => {
    expect(change(4, 'rating')!.value).toBe('4 / 5');
    expect(change(4, 'comment')!.value).toBe('Rápido');
    expect(change(4, 'via')!.valueKey).toBe('audit.values.via.paper');
  });

  test('given a migration, then the version change and the moved steps by name show', () => {
    expect(change(7, 'version')!.value).toBe('1 → 2');
    expect(change(7, 'moves')!.value).toBe('Esperar al solicitante, check → Revisar');
  });

  test('given a message, then its name is the subject, the waiting step and the variables it set are listed', () => {
    const line = lines.find((l) => l.seq === 8)!;
    expect(line.subject).toBe('requester-reply');
    expect(change(8, 'activities')!.value).toBe('Esperar al solicitante');
    expect(change(8, 'requesterReply')!.value).toBe('Listo');
  });

  test('given an SLA breach and call outcomes, then the escalation level, the called ticket and the status show', () => {
    expect(change(10, 'levels')!.value).toBe('1: specialised-desk');
    expect(change(11, 'calledTicket')!.value).toBe('SUB-2030-000001');
    expect(change(12, 'callStatus')!.valueKey).toBe('audit.values.callStatus.cancelled');
  });

  test('given malformed data, then no change is invented and nothing throws', () => {
    const odd = auditLines(
      [
        event(1, 'conversation.reply', { body: 42, attachments: 'nope' }),
        event(2, 'instance.migrated', { from: 1, moves: [null, 'x', { from: 3 }] }),
        event(3, 'survey.answered', { rating: '5', via: 'pigeon' }),
      ],
      names,
    );
    expect(odd[0]!.changes).toEqual([]);
    expect(odd[1]!.changes).toEqual([]);
    expect(odd[2]!.changes).toEqual([{ key: 'via', labelKey: 'audit.fields.via', value: 'pigeon' }]);
  });

  test('given the UI strings, then every label, field and value key exists in es, it and en', () => {
    const translations = new Translations(path.resolve('templates/i18n'), pino({ level: 'silent' }));
    const keys = new Set<string>();
    for (const line of lines) {
      keys.add(line.labelKey!);
      for (const c of line.changes) {
        if (c.labelKey) keys.add(c.labelKey);
        if (c.valueKey) keys.add(c.valueKey);
      }
    }
    for (const via of ['web', 'email', 'paper', 'link']) keys.add(`audit.values.via.${via}`);
    const missing = UI_LANGUAGES.flatMap((lang) =>
      [...keys].filter((key) => !translations.has(lang, key)).map((key) => `${lang}:${key}`),
    );
    expect(missing).toEqual([]);
  });
});
