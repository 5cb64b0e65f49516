import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HandlebarsMessageRenderer } from '../../../src/adapters/mail/template-renderer.js';
import { rejection } from '../../support/errors.js';

const FIXTURE_TEMPLATES = path.resolve('test/fixtures/mail/templates');
const renderer = new HandlebarsMessageRenderer({ dir: FIXTURE_TEMPLATES, timeZone: 'Europe/Rome' });
const shipped = new HandlebarsMessageRenderer({
  dir: path.resolve('templates/messages'),
  timeZone: 'Europe/Rome',
});

describe('rendering message templates as plain text', () => {
  test('given a Spanish template, then subject and body are filled in, without HTML escaping', async () => {
    const message = await renderer.render('greeting', 'es', {
      name: 'Ana <b>&</b> "Pérez"',
      ticketNumber: 'CITA-2030-000001',
      note: 'traer credencial',
      items: ['uno', 'dos'],
    });

    expect(message.language).toBe('es');
    expect(message.subject).toBe('Hola Ana <b>&</b> "Pérez" – ticket CITA-2030-000001');
    expect(message.text).toContain('Hola Ana <b>&</b> "Pérez":\n\nNota: traer credencial\n');
    expect(message.text).toContain('- uno\n- dos\n');
  });

  test('given dates (Date, zoned timestamp, plain date), then they read naturally in the message language', async () => {
    const variables = { name: 'Ana', when: new Date('2030-03-04T07:14:00Z'), day: '2030-03-04' };

    const es = await renderer.render('greeting', 'es', { ...variables, items: ['2030-03-05T10:00:00Z'] });
    const en = await renderer.render('greeting', 'en', variables);

    expect(es.text).toContain('Cita: 4 de marzo de 2030 a las 08:14 CET');
    expect(es.text).toContain('Día: 4 de marzo de 2030');
    expect(es.text).toContain('- 5 de marzo de 2030 a las 11:00 CET');
    expect(en.text).toBe('Hello Ana, appointment on 4 March 2030 at 08:14 CET.\n');
  });

  test('given variables that reach for prototypes, then they render empty', async () => {
    const message = await renderer.render('greeting', 'es', { name: 'Ana' });

    expect(message.text).toContain('Prototipo: [][][][]');
  });

  test('given a newline in a subject variable, then the subject stays one line', async () => {
    const message = await renderer.render('greeting', 'es', { name: 'Ana\r\nBcc: intruder@example.org' });

    expect(message.subject).toBe('Hola Ana Bcc: intruder@example.org – ticket');
  });

  test('given a language without the file, then the fallback language and then English are used', async () => {
    const italian = await renderer.render(
      'only-italian',
      'es',
      { name: 'Mario', dueAt: new Date('2030-03-04T07:14:00Z') },
      'it',
    );
    const english = await renderer.render('only-english', 'it', { name: 'Mario' }, 'es');

    expect(italian).toMatchObject({ language: 'it', subject: 'Solo italiano' });
    expect(italian.text).toBe('Testo per Mario, scadenza 4 marzo 2030 alle ore 08:14 CET.\n');
    expect(english).toMatchObject({ language: 'en', text: 'Fallback body for Mario.\n' });
  });

  test.each([
    ['unknown-template', 'es'],
    ['../templates/greeting', 'es'],
    ['only-italian', '../it'],
  ])('given template %s in language %s, then TEMPLATE_NOT_FOUND names both', async (template, language) => {
    const error = await rejection(renderer.render(template, language, {}));

    expect(error.code).toBe('TEMPLATE_NOT_FOUND');
    expect(error.message).toBe(`template <${template}> not found for language <${language}>`);
  });

  test.each([
    ['no-subject', 'the first line must be "Subject: …"'],
    ['broken-syntax', 'Parse error'],
    ['unknown-helper', 'unknown helper formatDate'],
  ])(
    'given the broken template %s, then it fails with NOTIFICATION_FAILED saying why',
    async (template, why) => {
      const error = await rejection(renderer.render(template, 'en', {}));

      expect(error.code).toBe('NOTIFICATION_FAILED');
      expect(error.message).toContain(`template <${template}> for language <en> is invalid`);
      expect(error.message).toContain(why);
    },
  );

  test('given a template rendered once, then later edits of the file are not re-read (compiled once)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mail-templates-'));
    try {
      await copyFile(path.join(FIXTURE_TEMPLATES, 'greeting.en.hbs'), path.join(dir, 'greeting.en.hbs'));
      const cached = new HandlebarsMessageRenderer({ dir });
      const first = await cached.render('greeting', 'en', { name: 'Ana' });
      await writeFile(path.join(dir, 'greeting.en.hbs'), 'Subject: Changed\n\nChanged\n');

      expect((await cached.render('greeting', 'en', { name: 'Ana' })).subject).toBe(first.subject);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the shipped message templates', () => {
  const variables = {
    ticketNumber: 'MMG-2030-000007',
    procedureName: 'Help desk MMG',
    requesterName: 'Dott. Rossi',
    taskName: 'Risoluzione',
    dueAt: new Date('2030-03-04T07:14:00Z'),
  };

  test.each(['es', 'it', 'en'])(
    'given language %s, then every template renders a subject and a body',
    async (lang) => {
      for (const template of [
        'closure-notice',
        'desk-assignment',
        'escalation-notice',
        'missing-data-request',
        'satisfaction-survey',
        'ticket-acknowledgement',
      ]) {
        const message = await shipped.render(template, lang, variables);
        expect(message.language).toBe(lang);
        expect(message.subject).toContain('MMG-2030-000007');
        expect(message.text.length).toBeGreaterThan(40);
        expect(message.text).not.toMatch(/\n{3,}|\{\{/);
      }
    },
  );

  test('given an Italian escalation, then the due date is written in Italian', async () => {
    const message = await shipped.render('escalation-notice', 'it', variables);

    expect(message.subject).toBe('Escalation: ticket MMG-2030-000007 oltre i tempi previsti');
    expect(message.text).toContain('(scadenza: 4 marzo 2030 alle ore 08:14 CET)');
  });
});
