import type { Request, RequestHandler, Response } from 'express';
import type { SessionService } from '../../../app/session-service.js';
import type { AccountView } from '../../../domain/account.js';
import { AppError } from '../../../domain/errors.js';
import { setWebUser, type WebUser } from '../page.js';
import { SESSION_COOKIE, cookieOptions, readCookies } from './cookies.js';
import type { PageLocals } from './render.js';

const TOKEN = Symbol.for('helpdesk.sessionToken');
const CSRF = Symbol.for('helpdesk.sessionCsrf');

type Tagged = Record<symbol, string | undefined>;

/** The web user of an account. */
export function webUserOf(account: AccountView): WebUser {
  return {
    id: account.id,
    roles: account.roles,
    groups: account.groups,
    displayName: account.displayName,
    language: account.language,
    ...(account.email ? { email: account.email } : {}),
  };
}

/** The session token of the request's cookie, when the session is live. */
export function sessionTokenOf(req: Request): string | undefined {
  return (req as unknown as Tagged)[TOKEN];
}

/** The CSRF token of the request's live session. */
export function sessionCsrfOf(req: Request): string | undefined {
  return (req as unknown as Tagged)[CSRF];
}

/**
 * Resumes the session of the `hd_session` cookie and sets the web user. Without a
 * live session, GETs are redirected to `/login?next=…` and other requests fail
 * with UNAUTHENTICATED (401 page).
 */
export function requireSession(sessions: SessionService, secureCookies: boolean): RequestHandler {
  return async (req, res, next) => {
    const token = readCookies(req)[SESSION_COOKIE];
    const active = token ? await sessions.resume(token) : null;
    if (!token || !active) {
      if (token) res.clearCookie(SESSION_COOKIE, cookieOptions(secureCookies));
      return anonymous(req, res, next);
    }
    const user = webUserOf(active.account);
    setWebUser(req, user);
    (req as unknown as Tagged)[TOKEN] = token;
    (req as unknown as Tagged)[CSRF] = active.session.csrfToken;
    const locals = res.locals as PageLocals;
    locals.webUser = user;
    locals.csrfToken = active.session.csrfToken;
    res.set('Cache-Control', 'no-store');
    next();
  };
}

function anonymous(req: Request, res: Response, next: (error?: unknown) => void): void {
  if (req.method === 'GET' || req.method === 'HEAD') {
    const target = req.originalUrl === '/' ? '/login' : `/login?next=${encodeURIComponent(req.originalUrl)}`;
    res.redirect(303, target);
    return;
  }
  next(new AppError('UNAUTHENTICATED', 'your session has ended; log in again'));
}
