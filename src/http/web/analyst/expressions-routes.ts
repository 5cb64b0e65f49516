import express, { Router } from 'express';
import { AppError } from '../../../domain/errors.js';
import { webUser } from '../page.js';
import type { Translations } from '../core/i18n.js';
import { checkCondition } from './expression-check.js';
import { sendError } from './deploy-outcome.js';

const JSON_BODY = express.json({ limit: '16kb' });

/**
 * `POST /analyst/expressions/check` `{ expression }` (analyst session, CSRF header): the modeler's
 * live check of a condition field. Answers `{ ok: true }` or `{ ok: false, message, position }`,
 * the message in the analyst's language; 400 when `expression` is not text.
 */
export function expressionsRoutes(translations: Translations): Router {
  const router = Router();
  router.post('/expressions/check', JSON_BODY, (req, res) => {
    try {
      const expression = (req.body as { expression?: unknown } | undefined)?.expression;
      if (typeof expression !== 'string')
        throw new AppError('BAD_REQUEST', 'expression: send the condition as text');
      const verdict = checkCondition(expression);
      if (verdict.ok) return void res.json({ ok: true });
      const lang = webUser(req).language;
      const message = translations.t(lang, `modelertools.condition.${verdict.reason}`, {
        position: verdict.position + 1,
        problem: verdict.problem,
      });
      res.json({ ok: false, message, position: verdict.position, reason: verdict.reason });
    } catch (error) {
      sendError(res, error);
    }
  });
  return router;
}
