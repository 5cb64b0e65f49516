import type { ModdleElement } from 'bpmn-moddle';
import { formKeyOf } from '../../src/adapters/bpmn/form-keys.js';

/** Camunda Modeler form keys read as form ids of forms/ (issue 16, docs/compatibility.md). */
const task = (attributes: Record<string, string>) =>
  ({ id: 'note', ...attributes }) as unknown as ModdleElement;

describe('form keys of Camunda Modeler diagrams', () => {
  test.each([
    ['note', 'note'],
    ['deployment:note.form', 'note'],
    ['embedded:deployment:forms/note.form', 'note'],
    ['camunda-forms:deployment:forms/sub/note.form', 'note'],
    // Camunda's own Camunda Forms example (usertask/task-camunda-forms): form-js files of the app.
    ['camunda-forms:app:note.form', 'note'],
    ['camunda-forms:app:forms/note.form', 'note'],
  ])(
    'given camunda:formKey="%s", when read, then it names the form <%s> by its last path segment',
    (formKey, key) => {
      expect(formKeyOf(task({ formKey }))).toEqual({ key });
    },
  );

  test('given an embedded HTML form deployed with the process, when read, then it is refused naming the form file to save instead', () => {
    const reading = formKeyOf(task({ formKey: 'embedded:deployment:forms/note.html' }));

    expect(reading.key).toBeUndefined();
    expect(reading.issue).toMatchObject({ path: 'note', reason: 'form-key' });
    expect(reading.issue?.message).toContain('embedded HTML form');
    expect(reading.issue?.message).toContain('forms/note.form');
  });

  test('given an app form or a name that is not a form id, when read, then the refusal says why', () => {
    expect(formKeyOf(task({ formKey: 'embedded:app:forms/note.html' })).issue?.message).toContain(
      'Camunda web application',
    );
    expect(formKeyOf(task({ formKey: 'Note Form' })).issue?.message).toContain('must be a form id');
    expect(formKeyOf(task({ formKey: 'app:forms/note.html' })).issue?.message).toContain(
      'Camunda web application',
    );
    expect(formKeyOf(task({ formKey: 'camunda-forms:app:note.html' })).issue?.reason).toBe('form-key');
  });
});
