import { randomUUID } from 'node:crypto';
import { parseFormSchema, validateSubmission } from '../../../src/domain/forms/index.js';
import { isAppError, type FieldIssue } from '../../../src/domain/errors.js';

/** The `filepicker` rules of the form validator (docs/adr/0032): references checked like any value. */
const schema = parseFormSchema(
  {
    type: 'default',
    id: 'files',
    components: [
      {
        type: 'filepicker',
        key: 'report',
        label: 'Report',
        accept: '.pdf,image/*',
        multiple: true,
        properties: { visibility: 'public' },
        validate: { required: true },
      },
      { type: 'filepicker', key: 'scan', label: 'Scan' },
    ],
  },
  'files',
);
const ref = (over: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  name: 'report.pdf',
  size: 120,
  contentType: 'application/pdf',
  visibility: 'public',
  ...over,
});
const issuesOf = (data: unknown): readonly FieldIssue[] => {
  try {
    validateSubmission(schema, data);
  } catch (error) {
    if (isAppError(error)) return error.details;
    throw error;
  }
  return [];
};

describe('filepicker values', () => {
  test('given public refs within the limits, when validated, then they are kept (a duplicate once)', () => {
    const pdf = ref();
    const png = ref({ name: 'chart.png', contentType: 'image/png' });
    expect(validateSubmission(schema, { report: [pdf, png, pdf] })).toEqual({ report: [pdf, png] });
  });

  test('given no file for a required picker, then the issue is `required` at its key', () => {
    expect(issuesOf({})).toEqual([{ path: 'report', reason: 'required', message: '"Report" is required' }]);
    expect(issuesOf({ report: [] })).toEqual([
      expect.objectContaining({ path: 'report', reason: 'required' }),
    ]);
  });

  test('given six files, or two on a single picker, then `too-many` names the field', () => {
    const six = Array.from({ length: 6 }, () => ref());
    expect(issuesOf({ report: six })).toEqual([
      { path: 'report', reason: 'too-many', message: '"Report" takes at most 5 files' },
    ]);
    const internal = { visibility: 'internal' };
    expect(issuesOf({ report: [ref()], scan: [ref(internal), ref(internal)] })).toEqual([
      { path: 'scan', reason: 'too-many', message: '"Scan" takes at most 1 file' },
    ]);
  });

  test('given text, a forged shape, an internal ref on a public picker or a type outside accept, then each is refused naming the field', () => {
    expect(issuesOf({ report: 'report.pdf' })).toEqual([
      expect.objectContaining({ path: 'report', reason: 'type' }),
    ]);
    expect(issuesOf({ report: [{ ...ref(), id: '../../etc' }] })).toEqual([
      expect.objectContaining({ path: 'report', reason: 'type' }),
    ]);
    expect(issuesOf({ report: [ref({ visibility: 'internal' })] })).toEqual([
      expect.objectContaining({ path: 'report', reason: 'visibility' }),
    ]);
    expect(issuesOf({ report: [ref({ name: 'notes.txt', contentType: 'text/plain' })] })).toEqual([
      {
        path: 'report',
        reason: 'accept',
        message: '"Report": file <notes.txt> (text/plain) is not one of .pdf,image/*',
      },
    ]);
  });
});
