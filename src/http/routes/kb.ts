import { Router } from 'express';
import type { KnowledgeBaseService } from '../../app/knowledge-base.js';
import { AppError } from '../../domain/errors.js';
import { ARTICLE_LANGUAGES, type ArticleLanguage } from '../../domain/kb/article.js';
import { actorOf } from '../auth-middleware.js';

/** Longest value of an id-like query parameter. */
const MAX_ID = 100;

/** `GET /api/kb/search?q=&procedureId=&activityId=&language=&limit=`: published articles, step links first. */
export function kbRouter(kb: KnowledgeBaseService): Router {
  const router = Router();
  router.get('/search', async (req, res) => {
    const text = (name: string, max: number) => {
      const value = req.query[name];
      if (value === undefined || value === '') return undefined;
      if (typeof value !== 'string' || value.length > max) {
        throw new AppError(
          'VALIDATION_FAILED',
          `query parameter <${name}> must be text of at most ${max} characters`,
          [{ path: name, reason: 'maxLength', message: `at most ${max} characters` }],
        );
      }
      return value;
    };
    const language = text('language', 2);
    if (language && !(ARTICLE_LANGUAGES as readonly string[]).includes(language)) {
      throw new AppError('BAD_REQUEST', `language must be one of ${ARTICLE_LANGUAGES.join(', ')}`);
    }
    const results = await kb.search(
      {
        q: text('q', 1_000) ?? '',
        procedureId: text('procedureId', MAX_ID),
        activityId: text('activityId', MAX_ID),
        language: language as ArticleLanguage | undefined,
        limit: Number(req.query.limit ?? 20) || 20,
      },
      actorOf(req),
    );
    res.json({
      results: results.map(({ article, score, linkedToStep }) => ({
        articleId: article.articleId,
        version: article.version,
        title: article.title,
        kind: article.kind,
        language: article.language,
        category: article.category,
        procedureIds: article.procedureIds,
        activityIds: article.activityIds,
        linkedToStep,
        score,
        url: `/kb/${encodeURIComponent(article.articleId)}`,
      })),
    });
  });
  return router;
}
