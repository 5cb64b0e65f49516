import express, { Router, type Request, type Response } from 'express';
import type { GrantedLink } from '../../../app/requester-links.js';
import { requesterActor } from '../../../domain/conversation.js';
import { isAppError } from '../../../domain/errors.js';
import { MAX_SURVEY_COMMENT, parseSurveyInput } from '../../../domain/satisfaction-survey.js';
import type { RenderPage } from '../page.js';
import type { RequesterWebDeps } from './requester-deps.js';
import { checkLinkCsrf, langQuery, openLink, pageLanguage } from './requester-http.js';

const FORM = express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 10 });

/**
 * The satisfaction survey of a one-time link: `GET /s/:token` (rating 1–5 and a comment, in the
 * requester's language) and `POST /s/:token` (one answer per ticket, then the link is used up).
 */
export function surveyRoutes(deps: RequesterWebDeps, renderPage: RenderPage): Router {
  const router = Router();

  async function show(
    req: Request,
    res: Response,
    link: GrantedLink,
    extra: Record<string, unknown>,
    status = 200,
  ) {
    const head = await deps.log.load(link.instanceId);
    const { catalog } = await deps.definitions.byId(head.definitionId);
    pageLanguage(req, res, await deps.links.languageFor(head.variables, link.email, catalog.language));
    const answered = await deps.survey.answerOf(link.instanceId);
    renderPage(
      res,
      'requester/survey',
      { title: 'requester.survey.title' },
      {
        ticketNumber: head.businessKey,
        procedureName: catalog.name || catalog.procedureId,
        csrf: deps.links.csrfFor(link.token),
        formUrl: `/s/${link.token}${langQuery(req)}`,
        ratings: [1, 2, 3, 4, 5],
        maxComment: MAX_SURVEY_COMMENT,
        alreadyAnswered: Boolean(answered),
        ...extra,
      },
      status,
    );
  }

  router.get('/s/:token', async (req, res) => {
    const link = await openLink(deps, renderPage, req, res, 'survey');
    if (link) await show(req, res, link, {});
  });

  router.post('/s/:token', FORM, async (req, res) => {
    const link = await openLink(deps, renderPage, req, res, 'survey');
    if (!link) return;
    checkLinkCsrf(deps, req, link);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const input = parseSurveyInput(body);
      await deps.survey.answerByLink(link.instanceId, input, requesterActor(link.email));
      await deps.links.markUsed(link);
      await show(req, res, link, { thanks: true });
    } catch (error) {
      if (!isAppError(error) || !['VALIDATION_FAILED', 'SURVEY_ALREADY_ANSWERED'].includes(error.code))
        throw error;
      const status = error.code === 'VALIDATION_FAILED' ? 422 : 409;
      const errors = Object.fromEntries(
        error.details.map((issue) => [issue.path, `requester.survey.errors.${issue.reason}`]),
      );
      await show(req, res, link, { errors, rating: body.rating, comment: body.comment }, status);
    }
  });

  return router;
}
