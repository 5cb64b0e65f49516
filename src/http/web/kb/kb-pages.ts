import { Router, type Request, type Response } from 'express';
import { KnowledgeBaseService } from '../../../app/knowledge-base.js';
import { MAX_QUERY_LENGTH, type KbSearchQuery } from '../../../app/knowledge-base-search.js';
import { isAppError, type FieldIssue } from '../../../domain/errors.js';
import { ARTICLE_LANGUAGES, type ArticleLanguage } from '../../../domain/kb/article.js';
import { faqCsv, faqMarkdown } from '../../../domain/kb/faq-export.js';
import { webUser, type PageKit } from '../page.js';
import type { WebPageDeps } from '../web-deps.js';
import { articleDetail, choices, param, resultRows } from './kb-views.js';

/** Knowledge-base pages of logged-in users: `/kb` list and search, article pages, editing, export. */
export function kbPages(deps: WebPageDeps, kit: PageKit): Router {
  const router = Router();
  const kb = deps.knowledgeBase;
  const readers = kit.requirePageRole('agent', 'analyst', 'supervisor');
  const editors = kit.requirePageRole('analyst', 'supervisor');

  router.get('/kb', readers, async (req, res) => {
    const user = webUser(req);
    const editor = KnowledgeBaseService.isEditor(user);
    const filters = {
      q: param(req.query, 'q', MAX_QUERY_LENGTH + 1) ?? '',
      procedureId: param(req.query, 'procedureId', 100),
      activityId: param(req.query, 'activityId', 100),
      language: languageOf(param(req.query, 'language', 2)),
      category: param(req.query, 'category', 80),
      kind: param(req.query, 'kind', 20),
      includeDrafts: editor && req.query.drafts === '1',
    } satisfies KbSearchQuery;
    let results: ReturnType<typeof resultRows> = [];
    let error: string | undefined;
    try {
      results = resultRows(await kb.search({ ...filters, limit: 50 }, user));
    } catch (caught) {
      if (!isAppError(caught) || caught.code !== 'VALIDATION_FAILED') throw caught;
      error = 'kb.list.queryTooLong';
    }
    kit.renderPage(
      res,
      'kb/list',
      { title: 'kb.list.title', nav: 'kb' },
      {
        filters,
        results,
        error,
        editor,
        ...choices(filters.kind, filters.language),
        limit: MAX_QUERY_LENGTH,
      },
      error ? 422 : 200,
    );
  });

  router.get('/kb/new', editors, (_req, res) =>
    showEditor(kit, res, { values: { language: 'es', kind: 'solution' } }),
  );

  router.post('/kb', editors, async (req, res) => {
    try {
      const article = await kb.create(req.body, webUser(req));
      res.redirect(303, `/kb/${encodeURIComponent(article.articleId)}?saved=1`);
    } catch (error) {
      showEditor(kit, res, { values: bodyOf(req), issues: issuesOf(error) }, 422);
    }
  });

  router.get('/kb/export.:format', editors, async (req, res) => {
    const language = languageOf(param(req.query, 'language', 2));
    const procedureId = param(req.query, 'procedureId', 100);
    const entries = await kb.exportEntries({ procedureId, language }, webUser(req));
    const name = `faq-glossary${procedureId ? `-${procedureId}` : ''}${language ? `-${language}` : ''}`;
    if (req.params.format === 'csv') {
      res.type('text/csv').attachment(`${name}.csv`).send(faqCsv(entries));
    } else if (req.params.format === 'md') {
      const headings = EXPORT_HEADINGS[language ?? 'en'];
      res.type('text/markdown').attachment(`${name}.md`).send(faqMarkdown(entries, headings));
    } else {
      res.status(404).type('text/plain').send('unknown export format');
    }
  });

  router.get('/kb/:articleId', readers, async (req, res) => {
    const user = webUser(req);
    const asked = Number(param(req.query, 'version', 6));
    const { article, pointer } = await kb.get(
      req.params.articleId as string,
      user,
      Number.isInteger(asked) && asked > 0 ? asked : undefined,
    );
    const editor = KnowledgeBaseService.isEditor(user);
    const versions = editor ? await kb.versions(article.articleId, user) : [];
    kit.renderPage(
      res,
      'kb/article',
      { title: article.title, nav: 'kb' },
      {
        article: await articleDetail(article),
        editor,
        latest: pointer.latest,
        isLatest: article.version === pointer.latest,
        canPublish: editor && article.version === pointer.latest && article.status !== 'published',
        canWithdraw: editor && article.version === pointer.latest && article.status === 'published',
        versions: versions.map((v) => ({ ...v, current: v.version === article.version })),
        saved: req.query.saved === '1',
        published: req.query.published === '1',
        withdrawn: req.query.withdrawn === '1',
      },
    );
  });

  router.get('/kb/:articleId/edit', editors, async (req, res) => {
    const { article } = await kb.get(req.params.articleId as string, webUser(req));
    const values = {
      ...article,
      procedureIds: article.procedureIds.join(', '),
      activityIds: article.activityIds.join(', '),
    };
    showEditor(kit, res, { values, articleId: article.articleId, baseVersion: article.version });
  });

  router.post('/kb/:articleId', editors, async (req, res) => {
    const articleId = req.params.articleId as string;
    const baseVersion = Number(bodyOf(req).baseVersion);
    try {
      await kb.edit(articleId, baseVersion, req.body, webUser(req));
      res.redirect(303, `/kb/${encodeURIComponent(articleId)}?saved=1`);
    } catch (error) {
      showEditor(
        kit,
        res,
        { values: bodyOf(req), issues: issuesOf(error), articleId, baseVersion },
        isConflict(error) ? 409 : 422,
      );
    }
  });

  router.post('/kb/:articleId/publish', editors, async (req, res) => {
    const articleId = req.params.articleId as string;
    await kb.publish(articleId, Number(bodyOf(req).baseVersion), webUser(req));
    res.redirect(303, `/kb/${encodeURIComponent(articleId)}?published=1`);
  });

  router.post('/kb/:articleId/withdraw', editors, async (req, res) => {
    const articleId = req.params.articleId as string;
    await kb.withdraw(articleId, Number(bodyOf(req).baseVersion), webUser(req));
    res.redirect(303, `/kb/${encodeURIComponent(articleId)}?withdrawn=1`);
  });

  return router;
}

interface EditorState {
  readonly values: Record<string, unknown>;
  readonly issues?: readonly FieldIssue[];
  readonly articleId?: string;
  readonly baseVersion?: number;
}

function showEditor(kit: PageKit, res: Response, state: EditorState, status = 200): void {
  const values = state.values;
  const errors = Object.fromEntries(
    (state.issues ?? []).map((issue) => [issue.path || 'form', issue.message]),
  );
  kit.renderPage(
    res,
    'kb/edit',
    { title: state.articleId ? 'kb.edit.title' : 'kb.edit.newTitle', nav: 'kb' },
    {
      values,
      errors,
      hasErrors: (state.issues ?? []).length > 0,
      action: state.articleId ? `/kb/${encodeURIComponent(state.articleId)}` : '/kb',
      articleId: state.articleId,
      baseVersion: state.baseVersion,
      ...choices(String(values.kind ?? ''), String(values.language ?? '')),
    },
    status,
  );
}

function bodyOf(req: Request): Record<string, unknown> {
  return (req.body ?? {}) as Record<string, unknown>;
}

function issuesOf(error: unknown): readonly FieldIssue[] {
  if (!isAppError(error) || (error.code !== 'VALIDATION_FAILED' && error.code !== 'CONFLICT')) throw error;
  return error.details.length > 0
    ? error.details
    : [{ path: 'form', reason: error.code, message: error.message }];
}

function isConflict(error: unknown): boolean {
  return isAppError(error) && error.code === 'CONFLICT';
}

/** A language code of the knowledge base, or undefined. */
export function languageOf(value: string | undefined): ArticleLanguage | undefined {
  return (ARTICLE_LANGUAGES as readonly string[]).includes(value ?? '')
    ? (value as ArticleLanguage)
    : undefined;
}

/** Headings of the quarterly export document, in the export's language (English when mixed). */
const EXPORT_HEADINGS: Readonly<Record<ArticleLanguage, { title: string; faq: string; glossary: string }>> = {
  es: { title: 'Preguntas frecuentes y glosario', faq: 'Preguntas frecuentes', glossary: 'Glosario' },
  it: { title: 'FAQ e glossario', faq: 'Domande frequenti', glossary: 'Glossario' },
  en: { title: 'FAQ and glossary', faq: 'Frequently asked questions', glossary: 'Glossary' },
};
