import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { AppError } from '../../src/domain/errors.js';
import {
  checkRequiredIf,
  compilePattern,
  FORM_PATTERN_STEP_BUDGET,
  MAX_FORM_NESTING,
  listEntriesCap,
  MAX_LIST_ITEMS,
  MAX_LIST_VALUES,
  matchOption,
  optionOf,
  PATTERN_STEP_BUDGET,
  parseFormFile,
  parseFormSchema,
  validateSubmission,
  type FormField,
} from '../../src/domain/forms/index.js';
import { thrown } from '../support/errors.js';

/**
 * Submissions are validated on the server's main thread, so every untrusted size is bounded:
 * dynamic lists take at most MAX_LIST_ITEMS entries, a checklist no more entries than it offers
 * options, and one submission's pattern checks together fit FORM_PATTERN_STEP_BUDGET. Timings are in the audit
 * notes, not here; these tests pin the rules and the answers.
 */

const inline = (...components: unknown[]) =>
  parseFormSchema({ type: 'default', id: 'inline', components }, 'inline.form');

const reasons = (error: AppError) => error.details.map((issue) => [issue.path, issue.reason]);

const entries = (count: number, entry: () => unknown = () => ({})) => Array.from({ length: count }, entry);

describe('dynamic lists take at most MAX_LIST_ITEMS entries, or more when they have few fields', () => {
  /** 100 fields per entry: MAX_LIST_VALUES / 100 = MAX_LIST_ITEMS, so the cap is exactly that. */
  const wide = entries(99).map((_, i) => ({ type: 'textfield', key: `c${i}` }));
  const rows = () =>
    inline({
      type: 'dynamiclist',
      path: 'rows',
      label: 'Equipos',
      components: [{ type: 'textfield', key: 'serial', validate: { required: true } }, ...wide],
    });

  test('given a list of exactly MAX_LIST_ITEMS entries, when validated, then every entry is kept', () => {
    const data = { rows: entries(MAX_LIST_ITEMS, () => ({ serial: 'A1' })) };

    const values = validateSubmission(rows(), data);

    expect(values.rows).toHaveLength(MAX_LIST_ITEMS);
  });

  test('given one entry more, when validated, then VALIDATION_FAILED names the list and no entry is read', () => {
    const data = { rows: entries(MAX_LIST_ITEMS + 1) };

    const error = thrown(() => validateSubmission(rows(), data));

    expect(error.code).toBe('VALIDATION_FAILED');
    expect(reasons(error)).toEqual([['rows', 'too-many']]);
    expect(error.details[0]?.message).toBe(`"Equipos" takes at most ${MAX_LIST_ITEMS} entries`);
  });

  test('given a list of five fields like the checklist ticks, when 50 checklists of 50 items are all ticked, then the 2,500 entries are kept; past its cap it is refused', () => {
    const ticks = inline({
      type: 'dynamiclist',
      path: 'checklistUsed',
      components: ['checklistId', 'itemId', 'label', 'checkedBy', 'checkedAt'].map((key) => ({
        type: 'textfield',
        key,
      })),
    });
    const tick = () => ({ checklistId: 'c', itemId: 'i', label: 'l', checkedBy: 'luis', checkedAt: 'now' });
    const node = ticks.data.get('checklistUsed');
    if (node?.kind !== 'list') throw new Error('checklistUsed should be a list');
    const cap = listEntriesCap(node.children);

    expect(cap).toBe(MAX_LIST_VALUES / 5);
    expect(validateSubmission(ticks, { checklistUsed: entries(2500, tick) }).checklistUsed).toHaveLength(
      2500,
    );
    expect(
      reasons(thrown(() => validateSubmission(ticks, { checklistUsed: entries(cap + 1, tick) }))),
    ).toEqual([['checklistUsed', 'too-many']]);
  });

  test('given a list inside a list, when the inner entries of all outer entries together pass the cap, then the inner list that crosses it is refused', () => {
    const schema = inline({
      type: 'dynamiclist',
      path: 'visits',
      components: [
        { type: 'dynamiclist', path: 'calls', components: [{ type: 'textfield', key: 'n' }, ...wide] },
      ],
    });
    const half = MAX_LIST_ITEMS / 2;
    const data = { visits: entries(3, () => ({ calls: entries(half) })) };

    const error = thrown(() => validateSubmission(schema, data));

    expect(reasons(error)).toEqual([['visits[2].calls', 'too-many']]);
    expect(error.details[0]?.message).toContain('counted over all entries of the lists around it');
  });
});

describe('requiredIf inside dynamic lists reads the entry first, then the form', () => {
  const schema = () =>
    inline(
      { type: 'textfield', key: 'kind' },
      { type: 'textfield', key: 'site' },
      {
        type: 'dynamiclist',
        path: 'items',
        components: [
          { type: 'textfield', key: 'kind' },
          { type: 'textfield', key: 'detail', validate: { requiredIf: 'kind == "other" && site != null' } },
        ],
      },
    );

  test('given entries with and without their own value, when validated, then an entry value hides the form value of the same name', () => {
    const data = {
      kind: 'other',
      site: 'UMF 20',
      items: [{ kind: 'other' }, {}, { kind: 'printer' }, { kind: 'other', detail: 'scanner' }],
    };

    const error = thrown(() => validateSubmission(schema(), data));

    expect(reasons(error)).toEqual([
      ['items[0].detail', 'required'],
      ['items[1].detail', 'required'],
    ]);
  });

  test('given a rule that reads a form value the entry lacks, when the form value is absent, then the rule does not hold', () => {
    expect(validateSubmission(schema(), { kind: 'other', items: [{}] })).toEqual({
      kind: 'other',
      items: [{}],
    });
  });

  test('given a list inside a list, when the rule reads names of the inner entry, the outer entry and the form, then each comes from the innermost that has it', () => {
    const nested = inline(
      { type: 'checkbox', key: 'audit' },
      {
        type: 'dynamiclist',
        path: 'visits',
        components: [
          { type: 'checkbox', key: 'audit' },
          { type: 'textfield', key: 'site' },
          {
            type: 'dynamiclist',
            path: 'calls',
            components: [
              { type: 'textfield', key: 'site' },
              { type: 'textfield', key: 'notes', validate: { requiredIf: 'audit == true && site == "A"' } },
            ],
          },
        ],
      },
    );
    const values = {
      audit: true,
      visits: [
        { site: 'A', calls: [{}, { site: 'B' }] },
        { audit: false, site: 'A', calls: [{}] },
      ],
    };

    expect(checkRequiredIf(nested.data, values, [])).toEqual([
      expect.objectContaining({ path: 'visits[0].calls[0].notes', reason: 'required' }),
    ]);
  });
});

describe('checklists and taglists: bounded entries, repeats collapse, options looked up by value', () => {
  const options = (count: number) => entries(count).map((_, i) => ({ label: `Opción ${i}`, value: `v${i}` }));
  const fruit = (type: 'checklist' | 'taglist') =>
    inline({
      type,
      key: 'picked',
      label: 'Frutas',
      values: [
        { label: 'Manzana', value: 'apple' },
        { label: 'Pera', value: 'pear' },
        { label: 'Dos', value: 2 },
      ],
    });

  test.each(['checklist', 'taglist'] as const)(
    'given a %s, when more entries than MAX_LIST_ITEMS are posted, then too-many names the field before any entry is read',
    (type) => {
      const error = thrown(() =>
        validateSubmission(fruit(type), { picked: entries(MAX_LIST_ITEMS + 1, () => 'kiwi') }),
      );

      expect(reasons(error)).toEqual([['picked', 'too-many']]);
      expect(error.details[0]?.message).toBe(`"Frutas" takes at most ${MAX_LIST_ITEMS} entries`);
    },
  );

  test.each(['checklist', 'taglist'] as const)(
    'given a %s, when choices are repeated, then the repeats collapse into one',
    (type) => {
      expect(validateSubmission(fruit(type), { picked: ['pear', 'pear', '2', 'pear', 2] })).toEqual({
        picked: ['pear', 2],
      });
    },
  );

  test('given more options than MAX_LIST_ITEMS, when one entry more than the options is posted, then it is refused', () => {
    const many = options(MAX_LIST_ITEMS + 10);
    const schema = inline({ type: 'checklist', key: 'c', values: many, label: 'Muchas' });

    expect(validateSubmission(schema, { c: many.map((option) => option.value) }).c).toHaveLength(many.length);
    expect(
      reasons(thrown(() => validateSubmission(schema, { c: entries(many.length + 1, () => 'v0') }))),
    ).toEqual([['c', 'too-many']]);
  });

  test('given many options all ticked in reverse order, when validated, then every one is kept in the posted order', () => {
    const many = options(1000);
    const schema = inline({ type: 'checklist', key: 'c', values: many });
    const posted = many.map((option) => option.value).reverse();

    expect(validateSubmission(schema, { c: posted })).toEqual({ c: posted });
  });

  test('given unknown choices, when validated, then they are named as before', () => {
    const error = thrown(() => validateSubmission(fruit('checklist'), { picked: ['apple', 'kiwi'] }));

    expect(reasons(error)).toEqual([['picked', 'option']]);
    expect(error.message).toBe('form <inline>: 1 field(s) invalid');
    expect(error.details[0]?.message).toContain('not "kiwi"');
  });

  test('given options of different types, then text selects by how the value reads and other values by equality; the first equal option wins', () => {
    const field = {
      type: 'select',
      key: 's',
      values: [
        { label: 'two', value: 2 },
        { label: 'text two', value: '2' },
        { label: 'yes', value: true },
      ],
      validate: {},
      readonly: false,
      disabled: false,
    } satisfies FormField;

    expect(matchOption(field, '2')).toBe(2);
    expect(matchOption(field, 2)).toBe(2);
    expect(matchOption(field, 'true')).toBe(true);
    expect(matchOption(field, true)).toBe(true);
    expect(matchOption(field, 1)).toBeUndefined();
    expect(matchOption(field, { value: 2 })).toBeUndefined();
    expect(optionOf(field, '2')?.label).toBe('text two');
    expect(optionOf(field, 2)?.label).toBe('two');
  });
});

describe('groups and lists nest at most MAX_FORM_NESTING levels', () => {
  const nested = (depth: number): unknown =>
    depth === 0
      ? { type: 'textfield', key: 'leaf' }
      : { type: 'group', id: `g${depth}`, components: [nested(depth - 1)] };

  test('given a field inside MAX_FORM_NESTING groups, when parsed, then the form is accepted', () => {
    expect(inline(nested(MAX_FORM_NESTING)).data.has('leaf')).toBe(true);
  });

  test('given one group more, or a thousand, when parsed, then FORM_INVALID names the group that goes too deep and nothing overflows', () => {
    for (const depth of [MAX_FORM_NESTING + 1, 1000]) {
      const error = thrown(() => inline(nested(depth)));

      expect(error.code).toBe('FORM_INVALID');
      expect(reasons(error)).toEqual([[`g${depth - MAX_FORM_NESTING}`, 'structure']]);
      expect(error.message).toContain(`more than ${MAX_FORM_NESTING} levels deep`);
    }
  });
});

describe('unknown properties are listed up to a point', () => {
  test('given 1,000 properties the form does not ask for, when validated, then the first 50 are named and one more issue counts the rest', () => {
    const schema = inline({ type: 'textfield', key: 'subject' });
    const data = Object.fromEntries(entries(1000).map((_, i) => [`extra${i}`, 'x']));

    const error = thrown(() => validateSubmission(schema, { subject: 'printer', ...data }));

    expect(error.details).toHaveLength(51);
    expect(reasons(error).slice(0, 2)).toEqual([
      ['extra0', 'unknown-field'],
      ['extra1', 'unknown-field'],
    ]);
    expect(error.details[50]).toEqual({
      path: '',
      reason: 'unknown-field',
      message: 'and 950 more properties this form does not accept',
    });
  });
});

describe("one submission's pattern checks together fit FORM_PATTERN_STEP_BUDGET", () => {
  /** A pattern whose program is large, and the longest value the per-field budget lets it check. */
  const costly = (i: number) => {
    const pattern = `[ab]*a[ab]{20}c?(?:x${i})?`;
    return { pattern, maxLength: Math.floor(PATTERN_STEP_BUDGET / compilePattern(pattern).programSize) };
  };
  const costlyFields = (count: number) =>
    entries(count).map((_, i) => ({ type: 'textfield', key: `f${i}`, validate: costly(i) }));
  /** Values matching `costly(i)`, as long as `length`. */
  const value = (length: number) => `${'b'.repeat(length - 21)}a${'b'.repeat(20)}`;
  const filled = (count: number, length: (i: number) => number) =>
    Object.fromEntries(entries(count).map((_, i) => [`f${i}`, value(length(i))]));
  const stepsAt = (i: number, length: number) => compilePattern(costly(i).pattern).programSize * length;

  test('given many costly pattern fields, when a form is parsed, then it is accepted: only what is posted counts', () => {
    expect(inline(...costlyFields(20)).data.size).toBe(20);
  });

  test('given values at maxLength, when their checks pass the budget, then VALIDATION_FAILED names the field that crosses it and the fields after it are not checked', () => {
    const schema = inline(...costlyFields(20));
    let spent = 0;
    let crossing = 0;
    while (spent + stepsAt(crossing, costly(crossing).maxLength) <= FORM_PATTERN_STEP_BUDGET) {
      spent += stepsAt(crossing, costly(crossing).maxLength);
      crossing++;
    }

    const error = thrown(() =>
      validateSubmission(
        schema,
        filled(20, (i) => costly(i).maxLength),
      ),
    );

    expect(reasons(error)).toEqual(entries(20 - crossing).map((_, k) => [`f${crossing + k}`, 'too-costly']));
    expect(error.details[0]?.message).toContain("take too long to check against the form's patterns");
  });

  test('given the same form with everyday values, when validated, then every field is checked and accepted', () => {
    const schema = inline(...costlyFields(20));

    expect(
      validateSubmission(
        schema,
        filled(20, () => 40),
      ),
    ).toEqual(filled(20, () => 40));
  });

  test('given a pattern field in a dynamic list, when many entries carry long values, then the entry that crosses the budget is named; short values in as many entries pass', () => {
    const { pattern, maxLength } = costly(0);
    const schema = inline({
      type: 'dynamiclist',
      path: 'rows',
      components: [{ type: 'textfield', key: 'code', validate: { pattern, maxLength } }],
    });
    const rows = (length: number) => entries(MAX_LIST_ITEMS, () => ({ code: value(length) }));
    const perEntry = stepsAt(0, maxLength);
    const crossing = Math.floor(FORM_PATTERN_STEP_BUDGET / perEntry);

    const error = thrown(() => validateSubmission(schema, { rows: rows(maxLength) }));

    expect(reasons(error)[0]).toEqual([`rows[${crossing}].code`, 'too-costly']);
    expect(validateSubmission(schema, { rows: rows(30) })).toEqual({ rows: rows(30) });
  });

  test('given every shipped form and every valid form fixture, when parsed, then each is accepted', () => {
    const formFiles = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) return formFiles(file);
        return entry.name.endsWith('.form') && path.basename(dir) === 'forms' ? [file] : [];
      });
    const broken = /^(broken-|not-json)/;
    const files = [...formFiles('forms'), ...formFiles('test/fixtures')].filter(
      (file) => !broken.test(path.basename(file)),
    );

    const parsed = files.map((file) => parseFormFile(readFileSync(file, 'utf8'), file).id);

    expect(parsed.length).toBeGreaterThanOrEqual(60);
  });
});
