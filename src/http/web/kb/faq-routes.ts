import { Router } from 'express';
import type { KnowledgeBaseService } from '../../../app/knowledge-base.js';
import type { DefinitionsService } from '../../../app/definitions-service.js';
import type { RenderPage } from '../page.js';
import { articleDetail } from './kb-views.js';
import { portalLanguage } from '../portal/portal-language.js';

/**
 * The public FAQ page of a procedure, `/faq/:procedureId?lang=es|it|en` (no login): the
 * published articles marked public, linked to the procedure, in the requester's language
 * (`?lang=`, else Accept-Language, else the procedure's language). Mounted before the session check.
 */
export function faqRoutes(
  deps: { knowledgeBase: KnowledgeBaseService; definitions: DefinitionsService },
  renderPage: RenderPage,
): Router {
  const router = Router();
  router.get('/faq/:procedureId', async (req, res) => {
    const procedure = await deps.definitions.current(String(req.params.procedureId).slice(0, 100));
    // `?lang=`, else the browser's Accept-Language, else the procedure's language (as the portal).
    const lang = portalLanguage(req, procedure.catalog.language);
    const articles = await deps.knowledgeBase.publicFaq(procedure.catalog.procedureId, lang);
    res.locals.lang = lang;
    res.set('Cache-Control', 'public, max-age=300');
    res.vary('Accept-Language'); // the page differs per browser language: shared caches must key on it
    renderPage(
      res,
      'kb/faq',
      { title: 'kb.faq.title' },
      {
        procedureName: procedure.catalog.name || procedure.catalog.procedureId,
        procedureId: procedure.catalog.procedureId,
        articles: (await Promise.all(articles.map(articleDetail))).map(
          ({ author: _a, sourceTaskId: _s, ...shown }) => shown,
        ),
        faqLang: lang,
        otherLanguages: (['es', 'it', 'en'] as const).filter((code) => code !== lang),
      },
    );
  });
  return router;
}
