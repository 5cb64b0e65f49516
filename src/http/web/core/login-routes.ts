import express, { Router, type Request, type Response } from 'express';
import type { AccountService } from '../../../app/account-service.js';
import { randomToken, type SessionService } from '../../../app/session-service.js';
import { AppError } from '../../../domain/errors.js';
import { LOGIN_CSRF_COOKIE, SESSION_COOKIE, cookieOptions, readCookies } from './cookies.js';
import { sameToken, sentCsrfToken } from './csrf.js';
import { visitorLanguage } from './language.js';
import { clientAddressKey, renderThrottled, type LoginLimit } from './login-rate-limit.js';
import { homeOf } from './navigation.js';
import type { PageLocals, Renderer } from './render.js';
import { safeNextPath } from './safe-next.js';
import { webUserOf } from './session-middleware.js';

/** What the login routes need. */
export interface LoginDeps {
  readonly accounts: AccountService;
  readonly sessions: SessionService;
  readonly renderer: Renderer;
  readonly secureCookies: boolean;
  /** The login throttle (per address+user, per user, per address; docs/adr/0013). */
  readonly loginLimit: LoginLimit;
}

/**
 * `GET/POST /login` (anonymous; CSRF by double-submit cookie since there is no
 * session yet; failed logins throttled) and `POST /logout`. A successful login always starts a new session
 * (and ends the one the browser had), so a planted session id is never promoted.
 */
export function loginRoutes(deps: LoginDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '10kb' });

  const showLogin = (req: Request, res: Response, status = 200, failed = false) => {
    let token = readCookies(req)[LOGIN_CSRF_COOKIE];
    if (!token || token.length > 100) {
      token = randomToken();
      res.cookie(LOGIN_CSRF_COOKIE, token, cookieOptions(deps.secureCookies));
    }
    const locals = res.locals as PageLocals;
    locals.lang = visitorLanguage(req);
    locals.csrfToken = token;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNextPath(req.query.next ?? body.next);
    res.set('Cache-Control', 'no-store');
    deps.renderer.renderPage(
      res,
      'core/login',
      { title: 'common.login.title' },
      {
        failed,
        next,
        username: typeof body.username === 'string' ? body.username : '',
        langParam: typeof req.query.lang === 'string',
      },
      status,
    );
  };

  router.get('/login', (req, res) => showLogin(req, res));

  router.post('/login', form, (req, _res, next) => {
    if (sameToken(sentCsrfToken(req), readCookies(req)[LOGIN_CSRF_COOKIE])) return next();
    next(new AppError('CSRF_INVALID', 'the login form has expired; reload the page and try again'));
  });

  router.post('/login', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const username = typeof body.username === 'string' ? body.username : '';
    const password = typeof body.password === 'string' ? body.password : '';
    // Checked before the password, so a throttled answer says nothing about the password or the user.
    const verdict = await deps.loginLimit.begin(clientAddressKey(req), username);
    if (!verdict.allowed) return renderThrottled(req, res, deps.renderer, verdict.retryAfterSeconds);
    const account = username && password ? await deps.accounts.authenticate(username, password) : null;
    if (!account) return showLogin(req, res, 401, true);
    await deps.loginLimit.succeeded(verdict.ticket);
    const previous = readCookies(req)[SESSION_COOKIE];
    if (previous) await deps.sessions.end(previous);
    const { token } = await deps.sessions.start(account.id);
    res.cookie(SESSION_COOKIE, token, cookieOptions(deps.secureCookies));
    res.clearCookie(LOGIN_CSRF_COOKIE, cookieOptions(deps.secureCookies));
    res.redirect(303, safeNextPath(body.next) ?? homeOf(webUserOf(account)));
  });

  return router;
}
