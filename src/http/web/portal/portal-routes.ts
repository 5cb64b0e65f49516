import { Router, type Request, type Response } from 'express';
import type { PublicProcedure } from '../../../app/portal-intake.js';
import { isAppError, type FieldIssue } from '../../../domain/errors.js';
import { renderForm } from '../agent/form-renderer.js';
import { initialValues, submittedValues, toSubmission, type RawValues } from '../agent/form-values.js';
import { clientAddressKey } from '../core/login-rate-limit.js';
import { publicCsrfToken, verifyPublicCsrf } from '../core/public-csrf.js';
import type { PageLocals } from '../core/render.js';
import type { RenderPage } from '../page.js';
import { confirmRoutes } from './portal-confirm-routes.js';
import { languageLinks } from './portal-language.js';
import { message, useLanguage, type PortalWebDeps } from './portal-page.js';
import { uploadsOf } from '../core/uploads.js';
import { PORTAL_URLENCODED, portalBody } from './portal-uploads.js';

/** Name of the honeypot field: hidden from people, filled by naive bots. */
export const HONEYPOT_FIELD = 'contact_homepage';

/**
 * The public portal (no login; docs/adr/0026): `/portal` lists the procedures open to requesters,
 * `/portal/:procedureId` shows and takes the requester-facing form, `/portal/confirm/:token`
 * opens the ticket once the requester follows the mailed link. CSRF by double-submit cookie.
 */
export function portalRoutes(deps: PortalWebDeps, renderPage: RenderPage): Router {
  const router = Router();
  const guard = [PORTAL_URLENCODED, verifyPublicCsrf()]; // the confirmation post: no file, a few fields
  router.use('/portal/confirm', confirmRoutes(deps, renderPage, guard));

  router.get('/portal', async (req, res) => {
    const lang = useLanguage(req, res);
    const procedures = (await deps.portal.list()).map((p) => ({
      ...p,
      href: `/portal/${encodeURIComponent(p.procedureId)}?lang=${lang}`,
    }));
    res.set('Cache-Control', 'no-store');
    renderPage(
      res,
      'portal/list',
      { title: 'portal.list.title' },
      {
        procedures,
        languageLinks: languageLinks('/portal', lang),
      },
    );
  });

  router.get('/portal/:procedureId', async (req, res) => {
    const procedure = await deps.portal.procedure(String(req.params.procedureId));
    useLanguage(req, res, procedure.language);
    await showForm(deps, renderPage, req, res, procedure, { issues: [] });
  });

  // Forms with a file field post multipart (docs/adr/0032); the CSRF token is checked while parsing.
  router.post('/portal/:procedureId', ...portalBody(deps.portal.uploadLimits), async (req, res) => {
    const procedure = await deps.portal.procedure(String(req.params.procedureId));
    const lang = useLanguage(req, res, procedure.language);
    const source = await deps.inbox.form(procedure.formKey);
    const values = submittedValues(source.schema, req.body);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const honeypot = typeof body[HONEYPOT_FIELD] === 'string' ? body[HONEYPOT_FIELD] : '';
    const upload = uploadsOf(req);
    try {
      if (upload.refused) throw upload.refused;
      const outcome = await deps.portal.submit({
        procedureId: procedure.procedureId,
        data: toSubmission(source.schema, values),
        address: clientAddressKey(req),
        language: lang,
        honeypot,
        files: upload.files,
        schema: source.schema,
      });
      if (outcome.outcome === 'throttled') {
        res.set('Retry-After', String(outcome.retryAfterSeconds));
        const minutes = Math.ceil(outcome.retryAfterSeconds / 60);
        return message(renderPage, res, 429, 'portal.throttled', { minutes }, procedure);
      }
      res.set('Cache-Control', 'no-store');
      renderPage(
        res,
        'portal/sent',
        { title: 'portal.sent.title' },
        {
          procedure,
          maskedEmail: outcome.maskedEmail,
        },
      );
    } catch (error) {
      if (isAppError(error) && error.code === 'VALIDATION_FAILED') {
        const issues = error.details.length
          ? error.details
          : [{ path: '', reason: 'invalid', message: error.message }];
        return showForm(deps, renderPage, req, res, procedure, { issues, values }, 422);
      }
      if (isAppError(error) && error.code === 'NOTIFICATION_FAILED') {
        return message(renderPage, res, 502, 'portal.mailFailed', {}, procedure);
      }
      throw error;
    }
  });
  return router;
}

async function showForm(
  deps: PortalWebDeps,
  renderPage: RenderPage,
  req: Request,
  res: Response,
  procedure: PublicProcedure,
  submitted: { readonly issues: readonly FieldIssue[]; readonly values?: RawValues },
  status = 200,
): Promise<void> {
  const lang = (res.locals as PageLocals).lang ?? 'es';
  const source = await deps.inbox.form(procedure.formKey);
  const values = submitted.values ?? initialValues(source.schema, {});
  publicCsrfToken(req, res, deps.secureCookies);
  const path = `/portal/${encodeURIComponent(procedure.procedureId)}`;
  renderPage(
    res,
    'portal/form',
    { title: procedure.name },
    {
      procedure,
      action: `${path}?lang=${lang}`,
      form: renderForm(source, values, submitted.issues),
      hasErrors: submitted.issues.length > 0,
      accepting: deps.portal.accepting,
      honeypotField: HONEYPOT_FIELD,
      languageLinks: languageLinks(path, lang),
      backHref: `/portal?lang=${lang}`,
    },
    status,
  );
}
