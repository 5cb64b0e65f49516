import { MiniSearchArticleIndex } from '../../src/adapters/kb/minisearch-index.js';
import { kbSearch } from '../../src/app/knowledge-base-search.js';
import type { ArticleVersion } from '../../src/domain/kb/article.js';
import { foldText } from '../../src/domain/kb/text-fold.js';
import { isAppError } from '../../src/domain/errors.js';

function article(articleId: string, fields: Partial<ArticleVersion>): ArticleVersion {
  return {
    articleId,
    version: 1,
    status: 'published',
    title: articleId,
    body: '',
    kind: 'solution',
    language: 'it',
    category: '',
    procedureIds: ['tuscan-gp-helpdesk'],
    activityIds: [],
    public: false,
    author: 'ana',
    createdAt: new Date('2026-01-01T00:00:00Z'),
    ...fields,
  };
}

function indexOf(...articles: ArticleVersion[]): MiniSearchArticleIndex {
  const index = new MiniSearchArticleIndex();
  for (const a of articles) index.put(`${a.status === 'published' ? 'p' : 'd'}:${a.articleId}`, a);
  return index;
}

describe('knowledge base: search ranking and accent folding', () => {
  test('given accented and upper-case text, then folding makes them one term', () => {
    expect(foldText('PERCHÉ Cédula Più')).toBe('perche cedula piu');
  });

  test('given an article titled with accents, when an agent types without them (or with other case), then it is found', () => {
    const index = indexOf(
      article('certificati', {
        title: 'Perché il certificato di malattia non parte',
        body: 'Verificare la connettività.',
      }),
    );

    const plain = kbSearch(index, { q: 'perche certificato' });
    const shouted = kbSearch(index, { q: 'CONNETTIVITA' });

    expect(plain.map((r) => r.article.articleId)).toEqual(['certificati']);
    expect(shouted.map((r) => r.article.articleId)).toEqual(['certificati']);
  });

  test('given a title match and a body match, then the title match ranks higher', () => {
    const index = indexOf(
      article('body-only', { title: 'Altro', body: 'Il lettore di smart card va reinstallato.' }),
      article('title', { title: 'Smart card non riconosciuta', body: 'Controllare il lettore.' }),
    );

    const results = kbSearch(index, { q: 'smart card' });

    expect(results.map((r) => r.article.articleId)).toEqual(['title', 'body-only']);
  });

  test('given an article linked to the step, when searching on that step, then it ranks first even with a weaker text match', () => {
    const index = indexOf(
      article('strong-text', { title: 'Certificati INPS: reinvio', body: 'certificati certificati reinvio' }),
      article('linked', {
        title: 'Guida del passo',
        body: 'reinvio',
        activityIds: ['task-resolve-checklist'],
      }),
    );

    const results = kbSearch(index, {
      q: 'reinvio',
      procedureId: 'tuscan-gp-helpdesk',
      activityId: 'task-resolve-checklist',
    });

    expect(results.map((r) => [r.article.articleId, r.linkedToStep])).toEqual([
      ['linked', true],
      ['strong-text', false],
    ]);
  });

  test('given suggestions from a ticket description, then any word may match and step-linked articles come even without a word match', () => {
    const index = indexOf(
      article('smart', { title: 'Smart card bloccata' }),
      article('step-guide', { title: 'Come usare la checklist', activityIds: ['task-resolve-checklist'] }),
      article('other-procedure', { title: 'Smart card', procedureIds: ['cita-report'] }),
    );

    const results = kbSearch(index, {
      q: 'Il medico dice che la smart card non funziona da ieri',
      suggest: true,
      procedureId: 'tuscan-gp-helpdesk',
      activityId: 'task-resolve-checklist',
    });

    expect(results.map((r) => r.article.articleId)).toEqual(['step-guide', 'smart']);
  });

  test('given a draft, then readers never find it and editors find it when they ask for drafts', () => {
    const index = indexOf(article('bozza', { title: 'Bozza smart card', status: 'draft' }));

    expect(kbSearch(index, { q: 'smart' })).toEqual([]);
    expect(kbSearch(index, { q: 'smart', includeDrafts: true }).map((r) => r.article.articleId)).toEqual([
      'bozza',
    ]);
  });

  test('given filters on language and kind, then only matching articles are returned', () => {
    const index = indexOf(
      article('it-faq', { title: 'Tessera sanitaria', kind: 'faq', language: 'it' }),
      article('es-faq', { title: 'Tessera sanitaria', kind: 'faq', language: 'es' }),
      article('it-guide', { title: 'Tessera sanitaria', kind: 'guide', language: 'it' }),
    );

    const results = kbSearch(index, { q: 'tessera', language: 'it', kind: 'faq' });

    expect(results.map((r) => r.article.articleId)).toEqual(['it-faq']);
  });

  test('given a query over 200 characters, then the search is refused naming the q field', () => {
    const index = indexOf(article('a', { title: 'x' }));
    let caught: unknown;
    try {
      kbSearch(index, { q: 'x'.repeat(201) });
    } catch (error) {
      caught = error;
    }
    expect(isAppError(caught) && caught.code === 'VALIDATION_FAILED' && caught.details[0]?.path === 'q').toBe(
      true,
    );
  });

  test('given a very long ticket description as a suggestion source, then it is truncated rather than refused', () => {
    const index = indexOf(article('smart', { title: 'Smart card bloccata' }));

    const results = kbSearch(index, { q: `smart ${'parola '.repeat(2_000)}`, suggest: true });

    expect(results.map((r) => r.article.articleId)).toEqual(['smart']);
  });
});
