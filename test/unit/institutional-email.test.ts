import { readFileSync } from 'node:fs';
import { thrown } from '../support/errors.js';
import {
  parseFormFile,
  validateSubmission,
  type DataShape,
  type FormField,
  type FormSchema,
} from '../../src/domain/forms/index.js';
import {
  acceptsEmail,
  checkInstitutionalEmails,
  isInstitutional,
  policyOf,
} from '../../src/domain/forms/institutional-email.js';

type FieldWithProperties = FormField & { readonly properties?: Readonly<Record<string, string>> };

const textField = (key: string, extra: Partial<FieldWithProperties> = {}): FieldWithProperties => ({
  type: 'textfield',
  key,
  label: key,
  validate: {},
  readonly: false,
  disabled: false,
  ...extra,
});

/** The shape of `cita-validate-info`'s email part, with the rule's custom properties. */
const emailField = textField('requesterEmail', {
  label: 'Correo electrónico del solicitante',
  validate: { required: true, validationType: 'email' },
  properties: { institutionalDomains: 'issste.gob.mx', institutionalCopyField: 'ccEmails' },
});
const shape: DataShape = new Map([
  ['requesterEmail', { kind: 'field', field: emailField }],
  ['ccEmails', { kind: 'field', field: textField('ccEmails') }],
]);
const schema: FormSchema = { id: 'email-rule', components: [emailField, textField('ccEmails')], data: shape };

const check = (values: Record<string, unknown>) => checkInstitutionalEmails(shape, values);

describe('institutional email rule (seed 001, steps 4 and 7)', () => {
  test('given an institutional address, then it is accepted without any copy', () => {
    expect(check({ requesterEmail: 'ana.perez@issste.gob.mx' })).toEqual([]);
  });

  test('given an address of a subdomain of the institutional domain, then it is accepted', () => {
    expect(check({ requesterEmail: 'ana.perez@hospital.cdmx.issste.gob.mx' })).toEqual([]);
  });

  test('given a look-alike domain that only ends with the same letters, then it is not institutional', () => {
    expect(isInstitutional('ana@notissste.gob.mx', ['issste.gob.mx'])).toBe(false);
    expect(isInstitutional('ana@issste.gob.mx.example.com', ['issste.gob.mx'])).toBe(false);
  });

  test('given a personal address without copy, then it is rejected at the email key with reason institutional-email', () => {
    expect(check({ requesterEmail: 'ana.perez@gmail.com' })).toEqual([
      {
        path: 'requesterEmail',
        reason: 'institutional-email',
        message: expect.stringMatching(
          /^institutional email rule: .*@issste\.gob\.mx.*in copy \("ccEmails"\)$/,
        ),
      },
    ]);
  });

  test('given a personal address with an institutional address in copy, then it is accepted', () => {
    expect(
      check({ requesterEmail: 'ana.perez@gmail.com', ccEmails: 'jefe@hotmail.com; director@issste.gob.mx' }),
    ).toEqual([]);
  });

  test('given a personal address with only personal addresses in copy, then it is rejected', () => {
    const issues = check({
      requesterEmail: 'ana.perez@gmail.com',
      ccEmails: 'jefe@hotmail.com, otro@yahoo.com',
    });
    expect(issues.map((issue) => [issue.path, issue.reason])).toEqual([
      ['requesterEmail', 'institutional-email'],
    ]);
  });

  test('given upper-case addresses and domains, then the comparison is case-insensitive', () => {
    expect(check({ requesterEmail: 'Ana.Perez@ISSSTE.Gob.MX' })).toEqual([]);
    expect(check({ requesterEmail: 'ana@GMAIL.com', ccEmails: 'Director@Issste.GOB.mx' })).toEqual([]);
    const upperPolicy = policyOf(
      textField('email', { properties: { institutionalDomains: ' @ISSSTE.GOB.MX , ' } }),
    );
    expect(upperPolicy).toEqual({ domains: ['issste.gob.mx'] });
    expect(acceptsEmail('ana@issste.gob.mx', undefined, upperPolicy!)).toBe(true);
  });

  test('given several domains and copies as a list, then any institutional one is enough', () => {
    const policy = policyOf(
      textField('email', { properties: { institutionalDomains: 'issste.gob.mx, salud.gob.mx' } }),
    )!;
    expect(acceptsEmail('ana@salud.gob.mx', undefined, policy)).toBe(true);
    expect(acceptsEmail('ana@gmail.com', ['x@yahoo.com', 'y@imss.salud.gob.mx'], policy)).toBe(true);
  });

  test('given a field without the properties, or with empty domains, then the rule does not apply', () => {
    expect(policyOf(textField('email'))).toBeUndefined();
    expect(policyOf(textField('email', { properties: { institutionalDomains: ' , ' } }))).toBeUndefined();
    expect(
      checkInstitutionalEmails(new Map([['email', { kind: 'field', field: textField('email') }]]), {
        email: 'ana@gmail.com',
      }),
    ).toEqual([]);
  });

  test('given no copy field in the properties, then a personal address is rejected even with other data', () => {
    const field = textField('email', { properties: { institutionalDomains: 'issste.gob.mx' } });
    const issues = checkInstitutionalEmails(new Map([['email', { kind: 'field', field }]]), {
      email: 'ana@gmail.com',
    });
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'email',
        reason: 'institutional-email',
        message: expect.stringContaining('personal accounts are not accepted here'),
      }),
    ]);
  });

  test('given institutionalRequiredWhen, then the rule applies only while that checkbox is ticked (step 7 may still answer «No»)', () => {
    const field = textField('requesterEmail', {
      properties: { institutionalDomains: 'issste.gob.mx', institutionalRequiredWhen: 'infoValid' },
    });
    const decided: DataShape = new Map([
      ['requesterEmail', { kind: 'field', field }],
      ['infoValid', { kind: 'field', field: { ...textField('infoValid'), type: 'checkbox' } }],
    ]);
    expect(checkInstitutionalEmails(decided, { requesterEmail: 'ana@gmail.com', infoValid: false })).toEqual(
      [],
    );
    expect(checkInstitutionalEmails(decided, { requesterEmail: 'ana@gmail.com' })).toEqual([]);
    expect(
      checkInstitutionalEmails(decided, { requesterEmail: 'ana@gmail.com', infoValid: true }).map(
        (i) => i.reason,
      ),
    ).toEqual(['institutional-email']);
    expect(
      checkInstitutionalEmails(decided, { requesterEmail: 'ana@issste.gob.mx', infoValid: true }),
    ).toEqual([]);
  });

  test('given the rule in validateSubmission, then a personal address without copy fails VALIDATION_FAILED and a copy fixes it', () => {
    const error = thrown(() => validateSubmission(schema, { requesterEmail: 'ana@gmail.com' }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.map((issue) => [issue.path, issue.reason])).toEqual([
      ['requesterEmail', 'institutional-email'],
    ]);
    expect(
      validateSubmission(schema, { requesterEmail: 'ana@gmail.com', ccEmails: 'jefa@issste.gob.mx' }),
    ).toEqual({ requesterEmail: 'ana@gmail.com', ccEmails: 'jefa@issste.gob.mx' });
  });

  test('given an address that is not an email at all, then only the email format problem is reported', () => {
    const error = thrown(() => validateSubmission(schema, { requesterEmail: 'ana at gmail' }));
    expect(error.details.map((issue) => [issue.path, issue.reason])).toEqual([['requesterEmail', 'email']]);
  });

  test('given the cita forms, when parsed, then their request email field carries the rule (form-js custom properties are kept)', () => {
    const field = (form: string) => {
      const parsed = parseFormFile(readFileSync(`forms/${form}.form`, 'utf8'), `${form}.form`);
      const node = parsed.data.get('requesterEmail');
      if (node?.kind !== 'field') throw new Error(`${form} has no requesterEmail field`);
      return node.field;
    };
    expect(policyOf(field('cita-validate-info'))).toEqual({
      domains: ['issste.gob.mx'],
      copyField: 'ccEmails',
      when: 'infoValid',
    });
    expect(policyOf(field('cita-portal-capture'))).toEqual({ domains: ['issste.gob.mx'] });
  });
});
