import {
  matchesName,
  normalizeEmail,
  normalizePhone,
  parseRequesterText,
  requesterText,
  withTicket,
  MAX_REQUESTER_TICKETS,
} from '../../../src/domain/requester.js';
import { formFill, requesterOfVariables, REQUESTER_FORM_FIELDS } from '../../../src/domain/requester-form.js';
import { REQUESTER_EMAIL_KEYS } from '../../../src/app/recipient-resolver.js';

describe('requester normalisation', () => {
  test.each([
    ['+39 055 123 4567', '390551234567'],
    ['0039 055-123-4567', '390551234567'],
    ['(55) 1234.5678', '5512345678'],
    ['+56 2 2345 6789', '56223456789'],
  ])('given the phone %s, then its key digits are %s', (text, digits) => {
    expect(normalizePhone(text)).toBe(digits);
  });

  test.each(['12345', '+39 abc', '1'.repeat(16), `+${'1 '.repeat(30)}`])(
    'given %s, then it is no phone',
    (text) => {
      expect(normalizePhone(text)).toBeUndefined();
    },
  );

  test('given mixed-case emails, then they are lower-cased; a list is no email', () => {
    expect(normalizeEmail('  Marco.Bianchi@Example.IT ')).toBe('marco.bianchi@example.it');
    expect(normalizeEmail('a@b.it, c@d.it')).toBeUndefined();
  });
});

describe('requester text fields', () => {
  test('given valid fields, then lists are split, normalised and de-duplicated', () => {
    const { value, issues } = parseRequesterText({
      name: ' Dott. Marco Bianchi ',
      emails: 'marco@example.it; MARCO@example.it',
      phones: '+39 055 123 4567 | 333 1234567',
      identifiers: 'gp=MMG-FI-0421; Employee=44',
      institutional: 'sì',
      language: 'IT',
    });
    expect(issues).toEqual([]);
    expect(value).toEqual({
      name: 'Dott. Marco Bianchi',
      emails: ['marco@example.it'],
      phones: ['390551234567', '3331234567'],
      identifiers: [
        { kind: 'gp', value: 'MMG-FI-0421' },
        { kind: 'employee', value: '44' },
      ],
      institutional: true,
      language: 'it',
    });
    expect(requesterText(value!).phones).toBe('390551234567; 3331234567');
  });

  test('given bad fields, then every problem names its field', () => {
    const { value, issues } = parseRequesterText({
      name: '',
      emails: 'not-an-email',
      phones: '12',
      identifiers: '=x',
      institutional: 'maybe',
      language: 'fr',
    });
    expect(value).toBeUndefined();
    expect(issues.map((i) => `${i.path}:${i.reason}`)).toEqual([
      'name:required',
      'emails:format',
      'phones:format',
      'identifiers:format',
      'institutional:type',
      'language:enum',
    ]);
  });

  test('given words of a name in any case and accents, then the name search matches', () => {
    const requester = {
      name: 'José Pérez Núñez',
      emails: [],
      phones: [],
      identifiers: [],
      institutional: false,
    };
    expect(matchesName(requester, 'perez jose')).toBe(true);
    expect(matchesName(requester, 'perez maria')).toBe(false);
  });

  test('given many tickets, then the list keeps the newest first, once each, bounded', () => {
    let tickets: ReturnType<typeof withTicket> = [];
    for (let i = 0; i < MAX_REQUESTER_TICKETS + 5; i += 1) {
      const ticket = {
        instanceId: `i${i}`,
        businessKey: `K-${i}`,
        procedureId: 'p',
        openedAt: new Date(1000 * i),
      };
      tickets = withTicket(withTicket(tickets, ticket), ticket);
    }
    expect(tickets).toHaveLength(MAX_REQUESTER_TICKETS);
    expect(tickets[0]!.instanceId).toBe(`i${MAX_REQUESTER_TICKETS + 4}`);
  });
});

describe('declarative start-form mapping', () => {
  test('given the mapping, then the email keys are the mail policy requester keys', () => {
    expect(REQUESTER_FORM_FIELDS.email).toEqual([...REQUESTER_EMAIL_KEYS]);
  });

  test('given a requester, then the fill names every mapped key; start variables map back', () => {
    const fill = formFill({
      name: 'Ana Ruiz',
      emails: ['ana@issste.gob.mx'],
      phones: ['525512345678'],
      establishment: 'HG Tacuba',
      identifiers: [{ kind: 'employee', value: '4411' }],
      institutional: true,
    });
    expect(fill).toMatchObject({
      requesterName: 'Ana Ruiz',
      requesterEmail: 'ana@issste.gob.mx',
      email: 'ana@issste.gob.mx',
      requesterPhone: '+525512345678',
      phone: '+525512345678',
      requesterId: '4411',
      medicalUnit: 'HG Tacuba',
    });
    expect(requesterOfVariables(fill)).toEqual({
      name: 'Ana Ruiz',
      email: 'ana@issste.gob.mx',
      phone: '525512345678',
      establishment: 'HG Tacuba',
    });
  });
});
