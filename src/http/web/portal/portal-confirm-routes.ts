import { Router, type RequestHandler, type Response } from 'express';
import { isAppError } from '../../../domain/errors.js';
import { publicCsrfToken } from '../core/public-csrf.js';
import type { RenderPage } from '../page.js';
import { message, useLanguage, type PortalWebDeps } from './portal-page.js';

/**
 * `/portal/confirm/:token`: GET shows what will be opened and a confirm button (a mail scanner
 * that follows links opens nothing); POST opens the ticket (once; a repeat answers the same one)
 * and redirects to the GET, which then shows the ticket number.
 */
export function confirmRoutes(deps: PortalWebDeps, renderPage: RenderPage, guard: RequestHandler[]): Router {
  const router = Router();

  router.get('/:token', async (req, res) => {
    const token = String(req.params.token);
    try {
      const found = await deps.portal.lookup(token);
      const lang = useLanguage(req, res, found.request.language);
      const ticket = found.request.ticket;
      if (ticket) {
        res.set('Cache-Control', 'no-store');
        return renderPage(
          res,
          'portal/opened',
          { title: 'portal.opened.title' },
          {
            businessKey: ticket.businessKey,
            procedureName: found.procedureName,
            maskedEmail: found.maskedEmail,
            backHref: `/portal?lang=${lang}`,
          },
        );
      }
      publicCsrfToken(req, res, deps.secureCookies);
      renderPage(
        res,
        'portal/confirm',
        { title: 'portal.confirm.title' },
        {
          procedureName: found.procedureName,
          maskedEmail: found.maskedEmail,
          action: `/portal/confirm/${encodeURIComponent(token)}?lang=${lang}`,
        },
      );
    } catch (error) {
      linkRefused(error, renderPage, res);
    }
  });

  router.post('/:token', ...guard, async (req, res) => {
    const token = String(req.params.token);
    try {
      await deps.portal.confirm(token);
      const lang = typeof req.query.lang === 'string' ? `?lang=${encodeURIComponent(req.query.lang)}` : '';
      res.redirect(303, `/portal/confirm/${encodeURIComponent(token)}${lang}`);
    } catch (error) {
      if (isAppError(error) && error.code === 'VALIDATION_FAILED') {
        useLanguage(req, res);
        return message(renderPage, res, 422, 'portal.formChanged', {});
      }
      linkRefused(error, renderPage, res);
    }
  });

  return router;
}

/** Unknown or expired links get their own page (404 / 410); anything else is an error. */
function linkRefused(error: unknown, renderPage: RenderPage, res: Response): void {
  if (!isAppError(error) || (error.code !== 'LINK_INVALID' && error.code !== 'LINK_EXPIRED')) throw error;
  useLanguage(res.req, res);
  const expired = error.code === 'LINK_EXPIRED';
  message(renderPage, res, expired ? 410 : 404, expired ? 'portal.linkExpired' : 'portal.linkInvalid', {});
}
