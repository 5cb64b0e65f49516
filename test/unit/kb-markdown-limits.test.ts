import { ARTICLE_LIMITS, parseArticleContent } from '../../src/domain/kb/article.js';
import { isAppError, type FieldIssue } from '../../src/domain/errors.js';

/** The issues a save of `body` is refused with (none when accepted). */
function bodyIssues(body: string): FieldIssue[] {
  try {
    parseArticleContent({ title: 'Tessera', body, kind: 'faq', language: 'it' });
    return [];
  } catch (error) {
    if (!isAppError(error)) throw error;
    return [...error.details];
  }
}

/** A list nested `levels` deep by indentation, two columns per level. */
const indentedList = (levels: number) =>
  Array.from({ length: levels }, (_, i) => `${'  '.repeat(i)}- livello ${i + 1}`).join('\n');

describe('knowledge base: Markdown shapes refused when an article is saved', () => {
  test('given quotes nested 20 deep, then the body is accepted; 21 deep, then it is refused naming body and the line', () => {
    const accepted = bodyIssues(`Intro\n\n${'> '.repeat(20)}citazione`);
    const refused = bodyIssues(`Intro\n\n${'>'.repeat(21)} citazione`);

    expect(accepted).toEqual([]);
    expect(refused).toEqual([
      {
        path: 'body',
        reason: 'maxDepth',
        message: '"body" nests quotes or lists more than 20 levels deep (line 3)',
      },
    ]);
  });

  test('given lists nested by indentation, then 20 levels are accepted and 21 refused', () => {
    expect(bodyIssues(indentedList(20))).toEqual([]);
    expect(bodyIssues(indentedList(21)).map((issue) => issue.reason)).toEqual(['maxDepth']);
  });

  test('given the inputs that overflowed the renderer (5,000 quotes, nested "- " lists, lists inside a quote), then each is refused', () => {
    const insideQuote = Array.from({ length: 30 }, (_, i) => `>${' '.repeat(2 * i + 1)}- a`).join('\n');

    for (const body of [
      `${'>'.repeat(5_000)}a`,
      `${'- '.repeat(5_000)}a`,
      `${'1. '.repeat(50)}a`,
      insideQuote,
    ]) {
      expect(bodyIssues(body).map((issue) => issue.reason)).toEqual(['maxDepth']);
    }
  });

  test('given a long horizontal rule written "- - - …" and a usual article, then neither counts as nesting', () => {
    const article = [
      '## Passi',
      '',
      '1. Aprire il portale',
      '   - inserire la **tessera**',
      '     > nota: serve il _PIN_',
      '2. Inviare',
      '',
      '* * *',
      `${'- '.repeat(40)}-`,
    ].join('\n');

    expect(bodyIssues(article)).toEqual([]);
  });

  test('given 500 emphasis marks, then the body is accepted; 501, then it is refused naming body', () => {
    const marks = (count: number) => Array.from({ length: count / 2 }, (_, i) => `*parola ${i}*`).join(' ');

    const accepted = bodyIssues(marks(ARTICLE_LIMITS.emphasisRuns));
    const refused = bodyIssues(`${marks(ARTICLE_LIMITS.emphasisRuns)} a*b`);

    expect(accepted).toEqual([]);
    expect(refused).toEqual([
      {
        path: 'body',
        reason: 'maxEmphasis',
        message: '"body" has more than 500 emphasis marks (runs of *, _ or ~): use fewer',
      },
    ]);
  });

  test('given the quadratic emphasis inputs (_a_a…, *a*a…, ~~ nesting), then each is refused', () => {
    for (const body of [
      '_a'.repeat(10_000),
      '*a'.repeat(5_000),
      `${'~~a '.repeat(300)}a${' a~~'.repeat(300)}`,
    ]) {
      expect(bodyIssues(body).map((issue) => issue.reason)).toEqual(['maxEmphasis']);
    }
  });

  test('given identifiers with underscores and marks inside code, then they do not count as emphasis; a flood of underscores inside words still does', () => {
    const line = (i: number) => `- printer \`PRN_ICU_${i}\` on *floor* PRN_ICU_${i} (see **this**)`;
    const fenced = [
      '```yaml',
      ...Array.from({ length: 30 }, (_, i) => `${'  '.repeat(i)}- level_${i}: *x*`),
      '```',
    ];
    const body = [...Array.from({ length: 120 }, (_, i) => line(i)), ...fenced].join('\n');

    expect(bodyIssues(body)).toEqual([]);
    expect(
      bodyIssues('a_'.repeat(10 * ARTICLE_LIMITS.emphasisRuns + 2)).map((issue) => issue.reason),
    ).toEqual(['maxEmphasis']);
  });

  test('given many list bullets and rules written with * and _, then they are not counted as emphasis', () => {
    const body = Array.from({ length: 600 }, (_, i) => (i % 2 ? `* voce ${i}` : '___')).join('\n');

    expect(bodyIssues(body)).toEqual([]);
  });

  test('given a body too deep and other bad fields, then every field is reported, the body once', () => {
    let caught: unknown;
    try {
      parseArticleContent({ title: '', body: `${'>'.repeat(30)} x ${'_a'.repeat(600)}`, language: 'fr' });
    } catch (error) {
      caught = error;
    }

    expect(isAppError(caught) && caught.details.map((d) => `${d.path}:${d.reason}`)).toEqual([
      'title:required',
      'body:maxDepth',
      'language:enum',
    ]);
  });
});
