import { readFileSync, readdirSync } from 'node:fs';
import { AppError } from '../../src/domain/errors.js';
import { thrown } from '../support/errors.js';
import {
  parseFormFile,
  parseFormSchema,
  validateSubmission,
  type FormField,
  type FormSchema,
} from '../../src/domain/forms/index.js';

const fixture = (name: string) => parseFormFile(readFileSync(`test/fixtures/forms/${name}`, 'utf8'), name);

/** A schema around `components`, as the form editor would save it. */
const inline = (...components: unknown[]) =>
  parseFormSchema({ type: 'default', id: 'inline', schemaVersion: 16, components }, 'inline.form');

const reasons = (error: AppError) => error.details.map((issue) => [issue.path, issue.reason]);

describe('parseFormFile / parseFormSchema', () => {
  test('given the intake fixture, when parsed, then every data field is known and display components carry no data', () => {
    const schema = fixture('valid-intake.form');
    expect(schema.id).toBe('valid-intake');
    expect([...schema.data.keys()]).toEqual([
      'contactName',
      'employeeNumber',
      'phone',
      'email',
      'consultationDate',
      'timeSlot',
      'clinic',
      'office',
      'urgent',
      'patientsAffected',
    ]);
    expect(schema.components[0]).toEqual({ type: 'text', id: 'Text_intro' });
  });

  test.each([
    [
      'broken-duplicate-key.form',
      'duplicate-key',
      /^form <broken-duplicate-key\.form>: component <phone> uses a key another component already uses$/,
    ],
    [
      'broken-unknown-type.form',
      'unknown-type',
      /^form <broken-unknown-type\.form>: component <satisfaction> has unknown type "slider"$/,
    ],
    ['not-json.form', 'json', /^form <not-json\.form> is not valid JSON: /],
  ])('given %s, when parsed, then FORM_INVALID names the file and the component', (name, reason, message) => {
    const error = thrown(() => fixture(name));
    expect(error.code).toBe('FORM_INVALID');
    expect(error.message).toMatch(message);
    expect(error.details.map((issue) => issue.reason)).toEqual([reason]);
  });

  test.each([
    ['not an object', [], [['', 'structure']]],
    [
      'blank id, wrong type, no components',
      { type: 'custom', id: ' ' },
      [
        ['type', 'structure'],
        ['id', 'structure'],
        ['components', 'structure'],
      ],
    ],
    // form-js and Camunda's own form files may omit the id (ADR 0031, 2026-11-29).
    ['no id, wrong type', { type: 'custom', components: [] }, [['type', 'structure']]],
  ])(
    'given a schema that is %s, when parsed, then every structural problem is listed',
    (_, json, expected) => {
      const error = thrown(() => parseFormSchema(json, 'odd.form'));
      expect(error.code).toBe('FORM_INVALID');
      expect(error.message).toMatch(/^form <odd\.form>: /);
      expect(reasons(error)).toEqual(expected);
    },
  );

  test.each([
    ['a field without key', { id: 'Field_x', type: 'textfield' }, 'Field_x', 'key'],
    ['a prototype key', { type: 'textfield', key: '__proto__' }, '__proto__', 'key'],
    ['a malformed key', { type: 'textfield', key: 'a..b' }, 'a..b', 'key'],
    ['a select without values', { type: 'select', key: 'pick' }, 'pick', 'options'],
    [
      'options from data',
      { type: 'radio', key: 'pick', valuesKey: 'choices', values: [{ label: 'A', value: 'a' }] },
      'pick',
      'unsupported',
    ],
    [
      'a broken pattern',
      { type: 'textfield', key: 'code', validate: { pattern: '([a-z' } },
      'code',
      'validate',
    ],
    [
      'an over-long pattern',
      { type: 'textfield', key: 'code', validate: { pattern: 'a'.repeat(501) } },
      'code',
      'validate',
    ],
    [
      'a text minLength',
      { type: 'textfield', key: 'code', validate: { minLength: '3' } },
      'code',
      'validate',
    ],
    ['an unknown datetime subtype', { type: 'datetime', key: 'when', subtype: 'week' }, 'when', 'subtype'],
    [
      'a conditional field',
      { type: 'textfield', key: 'why', conditional: { hide: '=ok' } },
      'why',
      'unsupported',
    ],
    ['a readonly expression', { type: 'textfield', key: 'why', readonly: '=locked' }, 'why', 'unsupported'],
    ['a component without type', { id: 'Thing_1' }, 'Thing_1', 'unknown-type'],
    ['a list without path', { type: 'dynamiclist', id: 'List_1', components: [] }, 'List_1', 'key'],
  ])('given %s, when parsed, then FORM_INVALID names the component', (_, component, path, reason) => {
    const error = thrown(() => inline(component));
    expect(error.code).toBe('FORM_INVALID');
    expect(reasons(error)).toEqual([[path, reason]]);
    expect(error.message).toContain(`component <${path}>`);
  });

  test('given a field and a group path claiming the same property, when parsed, then it is a duplicate key', () => {
    const error = thrown(() =>
      inline(
        { type: 'textfield', key: 'address' },
        { type: 'group', path: 'address', components: [{ type: 'textfield', key: 'street' }] },
      ),
    );
    expect(reasons(error)).toEqual([['address', 'duplicate-key']]);
  });

  test('given the procedure forms in forms/, when parsed, then every one is valid', () => {
    const names = readdirSync('forms').filter((name) => name.endsWith('.form'));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names)
      expect(() => parseFormFile(readFileSync(`forms/${name}`, 'utf8'), name)).not.toThrow();
  });

  test('given nested components with a broken one, when parsed, then the JSON path locates it', () => {
    const error = thrown(() => inline({ type: 'group', components: [{ type: 'textfield', key: 'ok' }, 42] }));
    expect(reasons(error)).toEqual([['components[0].components[1]', 'structure']]);
  });
});

describe('validateSubmission', () => {
  let intake: FormSchema;
  const valid = {
    contactName: '  Ana López ',
    employeeNumber: '004521',
    phone: '+52 (55) 5123-4567',
    email: 'ana.lopez@imss.gob.mx',
    consultationDate: '2024-02-29',
    timeSlot: 'morning',
    clinic: 'UMF 20',
    office: 'Consultorio 3',
    urgent: 'on',
    patientsAffected: '12',
  };
  beforeAll(() => {
    intake = fixture('valid-intake.form');
  });

  test('given complete HTML-style data, when validated, then it passes trimmed and coerced', () => {
    expect(validateSubmission(intake, valid)).toEqual({
      ...valid,
      contactName: 'Ana López',
      urgent: true,
      patientsAffected: 12,
    });
  });

  test('given only the required fields, when validated, then optional ones are left out and the checkbox takes its default', () => {
    const { employeeNumber: _e, office: _o, urgent: _u, patientsAffected: _p, ...required } = valid;
    expect(validateSubmission(intake, { ...required, office: '', patientsAffected: null })).toEqual({
      ...required,
      contactName: 'Ana López',
      urgent: false,
    });
  });

  test.each([
    [
      'a blank required text',
      { contactName: '   ' },
      'contactName',
      'required',
      '"Contact name" is required',
    ],
    ['a number as text', { contactName: 42 }, 'contactName', 'type', '"Contact name" must be text'],
    [
      'a word as number',
      { patientsAffected: 'many' },
      'patientsAffected',
      'type',
      '"Patients affected" must be a number',
    ],
    [
      'a hex number',
      { patientsAffected: '0x10' },
      'patientsAffected',
      'type',
      '"Patients affected" must be a number',
    ],
    ['a word as checkbox', { urgent: 'yes' }, 'urgent', 'type', '"Urgent" must be true or false'],
    [
      'an impossible date',
      { consultationDate: '2023-02-29' },
      'consultationDate',
      'type',
      '"Consultation date" must be a date (YYYY-MM-DD)',
    ],
    [
      'a date with time',
      { consultationDate: '2024-02-29T10:00' },
      'consultationDate',
      'type',
      '"Consultation date" must be a date (YYYY-MM-DD)',
    ],
    [
      'letters in the employee number',
      { employeeNumber: '12ab' },
      'employeeNumber',
      'pattern',
      '"Employee number" does not have the expected format',
    ],
    [
      'a partly matching employee number',
      { employeeNumber: 'x12345' },
      'employeeNumber',
      'pattern',
      '"Employee number" does not have the expected format',
    ],
    [
      'a bad email',
      { email: 'ana@localhost' },
      'email',
      'email',
      '"Email" must be an email address like name@example.org',
    ],
    [
      'too few phone digits',
      { phone: '55-12' },
      'phone',
      'phone',
      expect.stringMatching(/^"Phone" must be a phone number: 7 to 20 digits/),
    ],
    [
      'letters in the phone',
      { phone: 'ext 5551234' },
      'phone',
      'phone',
      expect.stringMatching(/^"Phone" must be a phone number/),
    ],
    ['a short clinic', { clinic: 'A' }, 'clinic', 'minLength', '"Clinic" must be at least 2 characters'],
    [
      'a long office',
      { office: 'x'.repeat(101) },
      'office',
      'maxLength',
      '"Office" must be at most 100 characters',
    ],
    [
      'too few patients',
      { patientsAffected: 0 },
      'patientsAffected',
      'min',
      '"Patients affected" must be at least 1',
    ],
    [
      'too many patients',
      { patientsAffected: '501' },
      'patientsAffected',
      'max',
      '"Patients affected" must be at most 500',
    ],
    [
      'an unknown time slot',
      { timeSlot: 'night' },
      'timeSlot',
      'option',
      '"Time slot" must be one of "morning", "afternoon"',
    ],
    [
      'an extra property',
      { surprise: 1 },
      'surprise',
      'unknown-field',
      '"surprise" is not a field this form accepts',
    ],
  ])(
    'given %s, when validated, then one issue names the field and the reason',
    (_, patch, path, reason, message) => {
      const error = thrown(() => validateSubmission(intake, { ...valid, ...patch }));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toBe('form <valid-intake>: 1 field(s) invalid');
      expect(error.details).toEqual([{ path, reason, message }]);
    },
  );

  test('given several problems, when validated, then all are listed in form order, unknown properties last', () => {
    const error = thrown(() =>
      validateSubmission(intake, { surprise: true, email: 'nope', clinic: 'A', office: 7 }),
    );
    expect(error.message).toBe('form <valid-intake>: 8 field(s) invalid');
    expect(reasons(error)).toEqual([
      ['contactName', 'required'],
      ['phone', 'required'],
      ['email', 'email'],
      ['consultationDate', 'required'],
      ['timeSlot', 'required'],
      ['clinic', 'minLength'],
      ['office', 'type'],
      ['surprise', 'unknown-field'],
    ]);
  });

  test('given a value breaking several rules, when validated, then each rule is an issue', () => {
    const schema = inline({
      type: 'textfield',
      key: 'code',
      validate: { minLength: 5, pattern: '[A-Z]+', validationType: 'email' },
    });
    expect(reasons(thrown(() => validateSubmission(schema, { code: 'ab' })))).toEqual([
      ['code', 'minLength'],
      ['code', 'email'],
      ['code', 'pattern'],
    ]);
  });

  test.each([
    ['an array', []],
    ['a string', 'contactName=Ana'],
    ['null', null],
  ])('given %s instead of an object, when validated, then VALIDATION_FAILED', (_, data) => {
    expect(reasons(thrown(() => validateSubmission(intake, data)))).toEqual([['', 'type']]);
  });

  test('given a required checkbox, when unchecked or missing, then it is required; checked passes', () => {
    const schema = inline({
      type: 'checkbox',
      key: 'consent',
      label: 'Consent',
      validate: { required: true },
    });
    expect(thrown(() => validateSubmission(schema, { consent: 'false' })).details).toEqual([
      { path: 'consent', reason: 'required', message: '"Consent" must be checked' },
    ]);
    expect(reasons(thrown(() => validateSubmission(schema, {})))).toEqual([['consent', 'required']]);
    expect(validateSubmission(schema, { consent: 'true' })).toEqual({ consent: true });
  });

  test('given radio, checklist and taglist fields, when validated, then only offered values pass, HTML strings matching numbers', () => {
    const values = [
      { label: 'One', value: 1 },
      { label: 'Two', value: 2 },
    ];
    const schema = inline(
      { type: 'radio', key: 'level', values, validate: { required: true } },
      { type: 'checklist', key: 'checks', values },
      { type: 'taglist', key: 'tags', values: [{ label: 'A', value: 'a' }], validate: { required: true } },
    );
    expect(validateSubmission(schema, { level: '2', checks: [1, '2', 1], tags: ['a'] })).toEqual({
      level: 2,
      checks: [1, 2],
      tags: ['a'],
    });
    const error = thrown(() => validateSubmission(schema, { level: 3, checks: 'one', tags: [] }));
    expect(reasons(error)).toEqual([
      ['level', 'option'],
      ['checks', 'type'],
      ['tags', 'required'],
    ]);
    expect(
      thrown(() => validateSubmission(schema, { level: 1, checks: [1, 9], tags: ['a'] })).details[0]?.message,
    ).toBe('"checks" allows only 1, 2, not 9');
  });

  test.each([
    ['time', '08:30', true],
    ['time', '23:59:59Z', true],
    ['time', '24:00', false],
    ['datetime', '2024-05-01T08:30', true],
    ['datetime', '2024-05-01T08:30:00.000+02:00', true],
    ['datetime', '2024-05-01', false],
    ['datetime', '2024-13-01T08:30', false],
  ])('given a %s field, when %s is submitted, then it passes: %s', (subtype, value, passes) => {
    const schema = inline({ type: 'datetime', subtype, key: 'at' });
    if (passes) expect(validateSubmission(schema, { at: value })).toEqual({ at: value });
    else expect(reasons(thrown(() => validateSubmission(schema, { at: value })))).toEqual([['at', 'type']]);
  });

  test('given readonly and disabled fields, when submitted, then they are unknown fields; absent, they are ignored', () => {
    const schema = inline(
      { type: 'textfield', key: 'ticket', readonly: true, validate: { required: true } },
      { type: 'textfield', key: 'owner', disabled: true },
      { type: 'textfield', key: 'note' },
    );
    expect(validateSubmission(schema, { note: 'ok' })).toEqual({ note: 'ok' });
    expect(reasons(thrown(() => validateSubmission(schema, { ticket: 'T-1', owner: 'me' })))).toEqual([
      ['ticket', 'unknown-field'],
      ['owner', 'unknown-field'],
    ]);
  });

  test('given text without maxLength, when longer than 10,000 characters, then maxLength', () => {
    const schema = inline({ type: 'textarea', key: 'notes' });
    expect(validateSubmission(schema, { notes: 'x'.repeat(10_000) })).toEqual({ notes: 'x'.repeat(10_000) });
    expect(reasons(thrown(() => validateSubmission(schema, { notes: 'x'.repeat(10_001) })))).toEqual([
      ['notes', 'maxLength'],
    ]);
  });

  test('given dotted keys, group paths and a dynamic list, when validated, then nested data is checked and kept nested', () => {
    const schema = inline(
      { type: 'textfield', key: 'caller.name', validate: { required: true } },
      { type: 'group', path: 'caller', components: [{ type: 'textfield', key: 'unit' }] },
      { type: 'group', components: [{ type: 'number', key: 'count' }] },
      {
        type: 'dynamiclist',
        path: 'calls',
        label: 'Calls',
        components: [{ type: 'datetime', subtype: 'date', key: 'on', validate: { required: true } }],
      },
    );
    expect(
      validateSubmission(schema, {
        caller: { name: ' Ana ', unit: 'UMF 20' },
        count: '2',
        calls: [{ on: '2024-01-02' }],
      }),
    ).toEqual({
      caller: { name: 'Ana', unit: 'UMF 20' },
      count: 2,
      calls: [{ on: '2024-01-02' }],
    });
    const error = thrown(() =>
      validateSubmission(schema, { caller: { extra: 1 }, calls: [{}, 'x', { on: '2024-01-02', at: 1 }] }),
    );
    expect(reasons(error)).toEqual([
      ['caller.name', 'required'],
      ['caller.extra', 'unknown-field'],
      ['calls[0].on', 'required'],
      ['calls[1]', 'type'],
      ['calls[2].at', 'unknown-field'],
    ]);
    expect(reasons(thrown(() => validateSubmission(schema, { caller: 'Ana', calls: {} })))).toEqual([
      ['caller', 'type'],
      ['calls', 'type'],
    ]);
  });
});

describe('conditionally required fields (validate.requiredIf, docs/adr/0021)', () => {
  const decision = () =>
    inline(
      { type: 'textfield', key: 'phone', label: 'Teléfono', validate: { requiredIf: 'infoValid == true' } },
      { type: 'checkbox', key: 'infoValid', label: 'Válida', defaultValue: false },
      {
        type: 'checklist',
        key: 'missingFields',
        label: 'Faltantes',
        values: [
          { label: 'Teléfono', value: 'phone' },
          { label: 'Clínica', value: 'clinic' },
        ],
        validate: { requiredIf: 'infoValid != true' },
      },
      {
        type: 'checkbox',
        key: 'confirmed',
        label: 'Confirmado',
        validate: { requiredIf: 'missingFields != null' },
      },
    );

  test('given the information marked not valid, when nothing says what is missing, then the checklist is required and the phone is not', () => {
    const error = thrown(() => validateSubmission(decision(), { infoValid: false }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual([
      {
        path: 'missingFields',
        reason: 'required',
        message: '"Faltantes" is required when infoValid != true',
      },
    ]);
  });

  test('given the information marked not valid, when the missing phone is named and confirmed, then it passes without a phone', () => {
    expect(
      validateSubmission(decision(), { infoValid: 'false', missingFields: ['phone'], confirmed: 'on' }),
    ).toEqual({ infoValid: false, missingFields: ['phone'], confirmed: true });
  });

  test('given a conditional checkbox whose rule holds, when unchecked, then it must be checked', () => {
    const error = thrown(() =>
      validateSubmission(decision(), { infoValid: false, missingFields: ['clinic'] }),
    );
    expect(reasons(error)).toEqual([['confirmed', 'required']]);
    expect(error.details[0]?.message).toBe('"Confirmado" must be checked when missingFields != null');
  });

  test('given the information marked valid, when the phone is missing, then the phone is required and the checklist is not', () => {
    const error = thrown(() => validateSubmission(decision(), { infoValid: true }));
    expect(reasons(error)).toEqual([['phone', 'required']]);
  });

  test('given a rule written as a BPMN condition `${ ... }`, then it is read without the braces', () => {
    const schema = inline({
      type: 'textfield',
      key: 'why',
      label: 'Why',
      validate: { requiredIf: ' ${ 1 < 2 } ' },
    });
    const [field] = schema.components as FormField[];
    expect(field?.validate.requiredIf).toBe('1 < 2');
    expect(reasons(thrown(() => validateSubmission(schema, {})))).toEqual([['why', 'required']]);
  });

  test('given a field with another problem, when its rule holds, then only that problem is listed', () => {
    const schema = inline({ type: 'number', key: 'count', label: 'N', validate: { requiredIf: 'true' } });
    expect(reasons(thrown(() => validateSubmission(schema, { count: 'many' })))).toEqual([['count', 'type']]);
  });

  test('given a dynamic list, when an entry needs a field by its own values, then the entry is the scope', () => {
    const schema = inline({
      type: 'dynamiclist',
      path: 'calls',
      label: 'Llamadas',
      components: [
        { type: 'checkbox', key: 'answered', label: 'Atendida' },
        { type: 'textfield', key: 'notes', label: 'Notas', validate: { requiredIf: 'answered == true' } },
      ],
    });
    const error = thrown(() =>
      validateSubmission(schema, {
        calls: [{ answered: true }, { answered: false }, { answered: true, notes: 'ok' }],
      }),
    );
    expect(reasons(error)).toEqual([['calls[0].notes', 'required']]);
  });

  test.each([
    [
      'not an expression',
      'infoValid ==',
      'validate.requiredIf must be an expression of the condition language',
    ],
    ['not a string', true, 'validate.requiredIf must be a non-empty expression'],
    [
      'too long',
      `x == "${'a'.repeat(600)}"`,
      'validate.requiredIf must be an expression of at most 500 characters',
    ],
    [
      'a call of an unknown function',
      'eval("1")',
      'validate.requiredIf must be an expression of the condition language',
    ],
  ])(
    'given a rule that is %s, when the form is parsed, then FORM_INVALID names the field',
    (_case, rule, message) => {
      const error = thrown(() => inline({ type: 'textfield', key: 'phone', validate: { requiredIf: rule } }));
      expect(error.code).toBe('FORM_INVALID');
      expect(error.details).toEqual([expect.objectContaining({ path: 'phone', reason: 'validate' })]);
      expect(error.message).toContain('component <phone> validate.requiredIf');
      expect(error.details[0]?.message).toContain(message);
    },
  );

  test('given cita step 7 (forms/cita-validate-info.form), when the agent answers «No» without naming what is missing, then 422 names missingFields', () => {
    const schema = parseFormFile(
      readFileSync('forms/cita-validate-info.form', 'utf8'),
      'cita-validate-info.form',
    );
    const answer = { contactName: 'Ana', requesterEmail: 'ana@issste.gob.mx', infoValid: false };
    expect(reasons(thrown(() => validateSubmission(schema, answer)))).toEqual([
      ['missingFields', 'required'],
    ]);
    expect(validateSubmission(schema, { ...answer, missingFields: ['phone', 'timeSlot'] })).toMatchObject({
      missingFields: ['phone', 'timeSlot'],
    });
  });
});

describe('current-user fields (properties.prefill = currentUser, docs/adr/0021)', () => {
  const closure = () =>
    inline(
      {
        type: 'textfield',
        key: 'closingOperator',
        validate: { required: true },
        properties: { prefill: 'currentUser' },
      },
      { type: 'textfield', key: 'confirmedBy', validate: { required: true } },
      {
        type: 'group',
        path: 'record',
        components: [{ type: 'textfield', key: 'by', properties: { prefill: 'currentUser' } }],
      },
    );

  test('given a blank current-user field, when submitted by a user, then the server fills in their id (nested too)', () => {
    expect(
      validateSubmission(
        closure(),
        { closingOperator: ' ', confirmedBy: 'Dott. Bianchi' },
        { currentUser: 'operatore2' },
      ),
    ).toEqual({
      closingOperator: 'operatore2',
      confirmedBy: 'Dott. Bianchi',
      record: { by: 'operatore2' },
    });
  });

  test('given a typed current-user field, then what was typed is kept; other required fields are never filled', () => {
    const error = thrown(() =>
      validateSubmission(closure(), { closingOperator: 'Mario Rossi (MR01)' }, { currentUser: 'op' }),
    );
    expect(reasons(error)).toEqual([['confirmedBy', 'required']]);
    expect(
      validateSubmission(
        closure(),
        { closingOperator: 'Mario Rossi (MR01)', confirmedBy: 'x' },
        { currentUser: 'op' },
      ),
    ).toMatchObject({ closingOperator: 'Mario Rossi (MR01)' });
  });

  test('given no current user (no actor), then a blank current-user field is simply required', () => {
    expect(reasons(thrown(() => validateSubmission(closure(), { confirmedBy: 'x' })))).toEqual([
      ['closingOperator', 'required'],
    ]);
  });
});
