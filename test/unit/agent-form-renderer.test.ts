import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FormSource } from '../../src/app/inbox-service.js';
import { parseFormFile, validateSubmission } from '../../src/domain/forms/index.js';
import { renderForm, type ComponentView, type FieldView } from '../../src/http/web/agent/form-renderer.js';
import { initialValues, submittedValues, toSubmission } from '../../src/http/web/agent/form-values.js';
import { textParagraphs } from '../../src/http/web/agent/form-text.js';

const FORMS = path.resolve('forms');

function sourceOf(text: string, name = 'inline.form'): FormSource {
  return { schema: parseFormFile(text, name), json: JSON.parse(text) };
}

function fileSource(file: string): FormSource {
  return sourceOf(readFileSync(path.join(FORMS, file), 'utf8'), file);
}

/** Every field view of a rendered form, groups flattened. */
function fields(views: readonly ComponentView[]): FieldView[] {
  return views.flatMap((view) =>
    view.kind === 'field' ? [view] : view.kind === 'group' ? fields(view.components) : [],
  );
}

const GROUPED = JSON.stringify({
  type: 'default',
  id: 'grouped',
  components: [
    { type: 'text', text: '**Step 1.** Check the data.\n\nThen decide.' },
    {
      type: 'group',
      label: 'Contact',
      path: 'contact',
      components: [
        {
          type: 'textfield',
          key: 'email',
          label: 'Email',
          validate: { required: true, validationType: 'email' },
        },
        { type: 'datetime', key: 'when', label: 'When', subtype: 'datetime' },
      ],
    },
    { type: 'checkbox', key: 'urgent', label: 'Urgent' },
    {
      type: 'checklist',
      key: 'areas',
      label: 'Areas',
      values: [
        { label: 'One', value: 1 },
        { label: 'Two', value: 2 },
      ],
    },
    { type: 'textfield', key: 'ticketNumber', label: 'Ticket', readonly: true },
    { type: 'textarea', key: 'note', label: 'Note', description: 'Free text', defaultValue: 'n/a' },
    { type: 'separator' },
  ],
});

describe('agent form renderer', () => {
  test.each(readdirSync(FORMS).filter((file) => file.endsWith('.form')))(
    'given seed form %s, when rendered empty, then every field has a label, a name and a control',
    (file) => {
      const source = fileSource(file);

      const view = renderForm(source, initialValues(source.schema, {}), []);

      const rendered = fields(view.components);
      expect(rendered.length).toBeGreaterThan(0); // a form rendered as nothing must not pass
      for (const field of rendered) {
        expect(field.label).not.toBe('');
        expect(field.name).not.toBe('');
        expect(['input', 'textarea', 'select', 'radio', 'checkbox', 'checklist', 'file']).toContain(
          field.control,
        );
      }
      expect(view.otherErrors).toEqual([]);
    },
  );

  test('given a grouped form, then fields are named by data path, typed, described and marked required', () => {
    const source = sourceOf(GROUPED);

    const view = renderForm(source, initialValues(source.schema, { ticketNumber: 'REV-1' }), []);
    const byName = new Map(fields(view.components).map((field) => [field.name, field]));

    expect(view.components[0]).toEqual({
      kind: 'text',
      paragraphs: [
        {
          runs: [
            { text: 'Step 1.', strong: true },
            { text: ' Check the data.', strong: false },
          ],
        },
        { runs: [{ text: 'Then decide.', strong: false }] },
      ],
    });
    expect(view.components[1]).toMatchObject({ kind: 'group', label: 'Contact' });
    expect(byName.get('contact.email')).toMatchObject({
      inputType: 'email',
      required: true,
      id: 'field-contact-email',
    });
    expect(byName.get('contact.when')).toMatchObject({ inputType: 'datetime-local' });
    expect(byName.get('ticketNumber')).toMatchObject({ readonly: true, value: 'REV-1' });
    expect(byName.get('note')).toMatchObject({ control: 'textarea', description: 'Free text', value: 'n/a' });
    expect(byName.get('areas')?.options.map((option) => option.value)).toEqual(['1', '2']);
    expect(view.components.at(-1)).toEqual({ kind: 'separator' });
  });

  test('given posted text, when converted, then checkboxes become booleans, checklists lists, groups objects, readonly fields dropped', () => {
    const { schema } = sourceOf(GROUPED);
    const body = {
      _csrf: 'x',
      'contact.email': ' ana@example.org ',
      'contact.when': '2025-03-01T10:30',
      areas: '2',
      ticketNumber: 'forged',
      note: 'hello',
      extra: 'ignored',
    };

    const data = toSubmission(schema, submittedValues(schema, body));

    expect(data).toEqual({
      contact: { email: ' ana@example.org ', when: '2025-03-01T10:30' },
      urgent: false,
      areas: ['2'],
      note: 'hello',
    });
    expect(validateSubmission(schema, data)).toEqual({
      contact: { email: 'ana@example.org', when: '2025-03-01T10:30' },
      urgent: false,
      areas: [2],
      note: 'hello',
    });
  });

  test('given validation issues, then each shows next to its field, translated by reason, and unknown ones apart', () => {
    const source = sourceOf(GROUPED);
    const issues = [
      { path: 'contact.email', reason: 'email', message: '"Email" must be an email address' },
      { path: 'note', reason: 'weird', message: 'something odd' },
      { path: 'ghost', reason: 'unknown-field', message: '"ghost" is not a field this form accepts' },
    ];

    const view = renderForm(source, { 'contact.email': 'nope', urgent: 'true' }, issues);
    const byName = new Map(fields(view.components).map((field) => [field.name, field]));

    expect(byName.get('contact.email')).toMatchObject({
      value: 'nope',
      errors: [
        { key: 'agent.form.error.email', label: 'Email', message: '"Email" must be an email address' },
      ],
    });
    expect(byName.get('note')?.errors).toEqual([{ message: 'something odd' }]);
    expect(byName.get('urgent')).toMatchObject({ checked: true, errors: [] });
    expect(view.otherErrors).toEqual([
      expect.objectContaining({ key: 'agent.form.error.unknown-field', label: 'ghost' }),
    ]);
  });

  test('given markdown with stray asterisks or headings, then it stays plain text', () => {
    expect(textParagraphs('# Title **x')).toEqual([{ runs: [{ text: 'Title **x', strong: false }] }]);
    expect(textParagraphs('  \n\n ')).toEqual([]);
  });
});
