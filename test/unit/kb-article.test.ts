import { newArticleId, parseArticleContent, type ArticleVersion } from '../../src/domain/kb/article.js';
import { csvCell, faqCsv, faqMarkdown } from '../../src/domain/kb/faq-export.js';
import { isAppError } from '../../src/domain/errors.js';

const base = {
  articleId: 'a',
  version: 2,
  status: 'published' as const,
  category: 'INPS',
  procedureIds: ['tuscan-gp-helpdesk'],
  activityIds: [],
  public: true,
  author: 'ana',
  createdAt: new Date('2026-03-31T12:00:00Z'),
};
const faq = (title: string, body: string): ArticleVersion => ({
  ...base,
  articleId: title.toLowerCase(),
  kind: 'faq',
  language: 'it',
  title,
  body,
});
const term = (title: string, body: string): ArticleVersion => ({ ...faq(title, body), kind: 'glossary' });

describe('knowledge base: article input and the quarterly export', () => {
  test('given a complete article form, then its content is trimmed and its links split', () => {
    const content = parseArticleContent({
      title: '  Smart card  ',
      body: 'Testo',
      kind: 'guide',
      language: 'it',
      procedureIds: 'tuscan-gp-helpdesk, cita-report',
      activityIds: 'task-resolve-checklist',
      public: 'true',
    });

    expect(content).toMatchObject({
      title: 'Smart card',
      kind: 'guide',
      procedureIds: ['tuscan-gp-helpdesk', 'cita-report'],
      activityIds: ['task-resolve-checklist'],
      public: true,
    });
  });

  test('given an empty title, an oversized body, an unknown language and a bad step id, then every field is reported', () => {
    let caught: unknown;
    try {
      parseArticleContent({
        title: ' ',
        body: 'x'.repeat(20_001),
        language: 'fr',
        activityIds: 'ok, <script>',
      });
    } catch (error) {
      caught = error;
    }
    expect(isAppError(caught) && caught.details.map((d) => `${d.path}:${d.reason}`)).toEqual([
      'title:required',
      'body:maxLength',
      'language:enum',
      'activityIds:pattern',
    ]);
  });

  test('given a title with accents and symbols, then the new id is a lowercase slug with a random suffix', () => {
    expect(newArticleId('Perché la Smart-Card è bloccata?', 'AB12cd34-ffff')).toBe(
      'perche-la-smart-card-e-bloccata-ab12cd34',
    );
  });

  test('given FAQ and glossary articles, when exported as Markdown, then FAQ come first by title, then the glossary terms', () => {
    const md = faqMarkdown([term('CART', 'Rete regionale'), faq('Zeta', 'Z body'), faq('Alfa', 'A body')], {
      title: 'FAQ e glossario',
      faq: 'Domande frequenti',
      glossary: 'Glossario',
    });

    expect(md).toBe(
      '# FAQ e glossario\n\n## Domande frequenti\n\n### Alfa\n\nA body\n\n### Zeta\n\nZ body\n\n## Glossario\n\n**CART**: Rete regionale\n',
    );
  });

  test('given text a spreadsheet would run as a formula, when exported as CSV, then the cell is defused and quoted', () => {
    const csv = faqCsv([faq('=HYPERLINK("http://evil")', 'body, with "quotes"\nand lines')]);

    expect(csv.split('\r\n')[0]).toBe(
      '"kind","language","articleId","version","title","category","procedureIds","public","date","body"',
    );
    expect(csv).toContain('"\'=HYPERLINK(""http://evil"")"');
    expect(csv).toContain('"body, with ""quotes""\nand lines"');
    expect(csvCell('+1')).toBe('"\'+1"');
    expect(csvCell('-x')).toBe('"\'-x"');
    expect(csvCell('@x')).toBe('"\'@x"');
  });
});
