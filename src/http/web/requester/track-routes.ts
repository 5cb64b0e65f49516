import express, { Router, type Request, type Response } from 'express';
import { clientAddressKey } from '../core/login-rate-limit.js';
import { publicCsrfToken, verifyPublicCsrf } from '../core/public-csrf.js';
import type { RenderPage } from '../page.js';
import type { RequesterWebDeps } from './requester-deps.js';
import { pageLanguage, tooMany } from './requester-http.js';

const FORM = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });

/**
 * `GET/POST /track`: "ticket number + email". When they match the ticket's requester a fresh
 * tracking link is emailed (outbox); the answer is the same page whether or not they matched, so
 * the form tells nobody which tickets or addresses exist. Throttled per address and per email.
 */
export function trackRoutes(deps: RequesterWebDeps, renderPage: RenderPage): Router {
  const router = Router();

  const showForm = (req: Request, res: Response, data: Record<string, unknown> = {}, status = 200) => {
    // No session and no link yet: the anonymous pages' double-submit cookie (docs/adr/0026).
    publicCsrfToken(req, res, deps.secureCookies);
    pageLanguage(req, res);
    renderPage(res, 'requester/track', { title: 'requester.track.title' }, data, status);
  };

  router.get('/track', (req, res) => showForm(req, res));

  router.post('/track', FORM, verifyPublicCsrf(), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const ticketNumber = typeof body.ticketNumber === 'string' ? body.ticketNumber.trim().slice(0, 100) : '';
    const email = typeof body.email === 'string' ? body.email.trim().slice(0, 254) : '';
    const errors: Record<string, string> = {};
    if (!ticketNumber) errors.ticketNumber = 'requester.track.errors.ticketNumber';
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.email = 'requester.track.errors.email';
    if (Object.keys(errors).length) return showForm(req, res, { errors, ticketNumber, email }, 422);
    const verdict = await deps.lookup.admit(clientAddressKey(req), email);
    if (!verdict.allowed) return tooMany(renderPage, req, res, verdict.retryAfterSeconds);
    // A honeypot filled in (bots) is answered like everything else, and nothing is sent.
    if (!(typeof body.website === 'string' && body.website !== ''))
      await deps.lookup.sendLink(ticketNumber, email);
    showForm(req, res, { sent: true });
  });

  return router;
}
