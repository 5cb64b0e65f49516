import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileFormValidator } from '../../src/adapters/forms/file-form-validator.js';
import {
  DEFAULT_MAX_LENGTH,
  PATTERN_STEP_BUDGET,
  parseFormFile,
  parseFormSchema,
  validateSubmission,
  type FormField,
  type FormSchema,
} from '../../src/domain/forms/index.js';
import { rejection, thrown } from '../support/errors.js';

/**
 * Regular-expression denial of service (issue 9): form patterns and the institutional email
 * rule must run in linear time, so the worst value a field accepts checks in well under 50 ms.
 * The bound is generous for a loaded 2-core machine; the old backtracking check took 9.5 s for
 * 127 characters of the shipped `ccEmails` pattern and doubled every 9 more.
 */
const FAST_MS = 50;

const inline = (...components: unknown[]) =>
  parseFormSchema({ type: 'default', id: 'inline', components }, 'inline.form');

/** Milliseconds one validation takes (after one warm-up run of the same check on a short value). */
function timed(schema: FormSchema, data: Record<string, unknown>, warmUp: Record<string, unknown>) {
  tryValidate(schema, warmUp);
  const started = performance.now();
  const issues = tryValidate(schema, data);
  return { ms: performance.now() - started, issues };
}

function tryValidate(schema: FormSchema, data: Record<string, unknown>) {
  try {
    validateSubmission(schema, data);
    return [];
  } catch (error) {
    return (error as { details: { path: string; reason: string }[] }).details.map((d) => [d.path, d.reason]);
  }
}

/** `chunk` repeated to exactly `length` characters, then `tail` replacing the end. */
const filled = (chunk: string, length: number, tail: string) =>
  (chunk.repeat(Math.ceil(length / chunk.length)).slice(0, length - tail.length) + tail).slice(0, length);

describe('form patterns run in linear time', () => {
  test('given the shipped cita-validate-info form, when ccEmails holds the worst input at its length limit, then it is refused within 50 ms', async () => {
    const schema = parseFormFile(
      await readFile('forms/cita-validate-info.form', 'utf8'),
      'cita-validate-info.form',
    );
    const evil = filled('a@......,', 1000, '@');

    const { ms, issues } = timed(schema, { ccEmails: evil }, { ccEmails: 'a@......,@' });

    expect(evil).toHaveLength(1000);
    expect(issues).toContainEqual(['ccEmails', 'pattern']);
    expect(ms).toBeLessThan(FAST_MS);
  });

  test('given the shipped ccEmails pattern, then it still accepts address lists and refuses malformed ones', async () => {
    const schema = parseFormFile(
      await readFile('forms/cita-validate-info.form', 'utf8'),
      'cita-validate-info.form',
    );
    const ccIssues = (ccEmails: string) =>
      tryValidate(schema, { ccEmails }).filter(([p]) => p === 'ccEmails');

    expect(ccIssues('jefe@issste.gob.mx')).toEqual([]);
    expect(ccIssues('jefe@issste.gob.mx, direccion@umf21.issste.gob.mx; otra@issste.gob.mx')).toEqual([]);
    for (const bad of ['jefe', 'jefe@issste', 'a@b.c,', 'a@..b.c', 'a b@c.d', 'a@b.c d@e.f'])
      expect([bad, ccIssues(bad)]).toEqual([bad, [['ccEmails', 'pattern']]]);
  });

  test('given the shipped ccEmails pattern in a browser (a backtracking engine, with and without the v flag of HTML pattern), then it is unambiguous: fast and with the same answers', async () => {
    const schema = parseFormFile(
      await readFile('forms/cita-validate-info.form', 'utf8'),
      'cita-validate-info.form',
    );
    const node = schema.data.get('ccEmails');
    const pattern = node?.kind === 'field' ? node.field.validate.pattern : undefined;
    for (const flags of ['', 'v']) {
      const browser = new RegExp(`^(?:${pattern})$`, flags);
      const started = performance.now();
      expect(browser.test(filled('a@......,', 1000, '@'))).toBe(false);
      expect(performance.now() - started).toBeLessThan(FAST_MS);
      expect(browser.test('jefe@issste.gob.mx; otra@umf21.issste.gob.mx')).toBe(true);
      expect(browser.test('jefe@issste')).toBe(false);
    }
  });

  test('given every shipped form, then each pattern checks adversarial values at its length limit within 50 ms', async () => {
    const files = (await readdir('forms')).filter((file) => file.endsWith('.form'));
    let checked = 0;
    for (const file of files) {
      const schema = parseFormFile(await readFile(path.join('forms', file), 'utf8'), file);
      for (const [key, node] of schema.data) {
        if (node.kind !== 'field' || node.field.validate.pattern === undefined) continue;
        const limit = node.field.validate.maxLength ?? DEFAULT_MAX_LENGTH;
        for (const chunk of ['a@.', 'a@......,', 'a.', ' ,', 'aaaa']) {
          const { ms } = timed(schema, { [key]: filled(chunk, limit, '@!') }, { [key]: chunk });
          expect([file, key, chunk, ms < FAST_MS]).toEqual([file, key, chunk, true]);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  test.each([
    ['(a+)+', 'a'],
    ['(x+x+)+y', 'x'],
    ['(a|aa)*c', 'a'],
    ['([a-z]+)*[0-9]', 'ab'],
  ])(
    'given the backtracking-prone pattern %s, when a value at the default length limit almost matches, then it is refused within 50 ms',
    (pattern, chunk) => {
      const schema = inline({ type: 'textfield', key: 'code', validate: { pattern } });
      const value = filled(chunk, DEFAULT_MAX_LENGTH, '!');

      const { ms, issues } = timed(schema, { code: value }, { code: `${chunk}!` });

      expect(issues).toEqual([['code', 'pattern']]);
      expect(ms).toBeLessThan(FAST_MS);
    },
  );

  test.each([
    ['a backreference', '(a)\\1', 'backreference \\1'],
    ['a named backreference', '(?<x>a)\\k<x>', 'named backreference'],
    ['a lookahead', '(?=.*[0-9])[a-z0-9]+', 'lookahead'],
    ['a negative lookahead', '(?!admin)[a-z]+', 'negative lookahead'],
    ['a lookbehind', '(?<=@)[a-z]+', 'lookbehind'],
    ['a negative lookbehind', '(?<!x)y', 'negative lookbehind'],
  ])(
    'given a form whose pattern uses %s, when loaded, then FORM_INVALID names the form and the field',
    (_, pattern, construct) => {
      const error = thrown(() => inline({ type: 'textfield', key: 'code', validate: { pattern } }));

      expect(error.code).toBe('FORM_INVALID');
      expect(error.details.map((d) => [d.path, d.reason])).toEqual([['code', 'validate']]);
      expect(error.message).toMatch(/^form <inline\.form>: component <code> validate\.pattern /);
      expect(error.message).toContain(construct);
      expect(error.message).toContain('linear-time');
    },
  );

  test('given a pattern too costly for the field length limit, when loaded, then it is refused; with a lower maxLength it is accepted', () => {
    const pattern = '.*a.{300}b';
    const error = thrown(() => inline({ type: 'textfield', key: 'code', validate: { pattern } }));

    expect(error.message).toContain(
      `component <code> validate.pattern must be cheap enough for values of up to ${DEFAULT_MAX_LENGTH} characters`,
    );
    expect(error.message).toContain(`> ${PATTERN_STEP_BUDGET} steps`);
    const bounded = inline({ type: 'textfield', key: 'code', validate: { pattern, maxLength: 500 } });
    expect(bounded.data.get('code')).toMatchObject({ kind: 'field' });
  });

  test('given JavaScript \\u escapes, then they mean the same character to the linear engine', () => {
    const schema = inline({
      type: 'textfield',
      key: 'word',
      validate: { pattern: 'caf\\u00e9|na\\u{ef}ve' },
    });

    expect(validateSubmission(schema, { word: 'café' })).toEqual({ word: 'café' });
    expect(validateSubmission(schema, { word: 'naïve' })).toEqual({ word: 'naïve' });
    expect(tryValidate(schema, { word: 'cafe' })).toEqual([['word', 'pattern']]);
  });

  test('given a form file with a lookahead pattern, when the validator loads it, then FORM_INVALID names the form and field, and a fixed file is read again', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'forms-redos-'));
    try {
      const form = (pattern: string) =>
        JSON.stringify({
          type: 'default',
          id: 'lookahead',
          components: [{ type: 'textfield', key: 'code', validate: { pattern } }],
        });
      await writeFile(path.join(dir, 'lookahead.form'), form('(?=a)a+'));
      const validator = new FileFormValidator(dir);

      const error = await rejection(validator.exists('lookahead'));
      expect(error.code).toBe('FORM_INVALID');
      expect(error.message).toMatch(
        /^form <lookahead\.form>: component <code> validate\.pattern .*lookahead/,
      );

      await writeFile(path.join(dir, 'lookahead.form'), form('a+'));
      expect(await validator.validate('lookahead', { code: 'aaa' })).toEqual({ code: 'aaa' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('text values are bounded before any check reads them', () => {
  const field = (type: string, extra: Record<string, unknown> = {}) =>
    inline({ type, key: 'v', ...extra, ...(type === 'select' && { values: [{ label: 'A', value: 'a' }] }) });

  test.each(['number', 'select', 'datetime', 'checkbox'])(
    'given a %s field without maxLength, when the submitted text is longer than the default cap, then maxLength',
    (type) => {
      expect(tryValidate(field(type), { v: '1'.repeat(DEFAULT_MAX_LENGTH + 1) })).toEqual([
        ['v', 'maxLength'],
      ]);
    },
  );

  test('given a field maxLength, then it is the cap', () => {
    const schema = field('textfield', { validate: { maxLength: 5 } });
    expect(tryValidate(schema, { v: '123456' })).toEqual([['v', 'maxLength']]);
    expect(validateSubmission(schema, { v: '12345' })).toEqual({ v: '12345' });
  });
});

describe('the institutional email rule runs in linear time', () => {
  test('given a copy field of dots at the default length limit, then the rule answers within 50 ms', () => {
    const email: FormField = {
      type: 'textfield',
      key: 'requesterEmail',
      validate: { validationType: 'email' },
      readonly: false,
      disabled: false,
      properties: { institutionalDomains: 'issste.gob.mx', institutionalCopyField: 'copies' },
    };
    const schema = inline(email, { type: 'textfield', key: 'copies' });
    const copies = `a@${'.'.repeat(DEFAULT_MAX_LENGTH - 3)}x`;

    const { ms, issues } = timed(
      schema,
      { requesterEmail: 'ana@gmail.com', copies },
      { requesterEmail: 'ana@gmail.com', copies: 'a@..x' },
    );

    expect(issues).toEqual([['requesterEmail', 'institutional-email']]);
    expect(ms).toBeLessThan(FAST_MS);
  });
});
