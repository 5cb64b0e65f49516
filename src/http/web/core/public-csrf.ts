import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../../../domain/errors.js';
import { cookieOptions, readCookies } from './cookies.js';
import { sameToken, sentCsrfToken } from './csrf.js';
import type { PageLocals } from './render.js';

/** Name of the CSRF cookie of anonymous visitors (portal, requester pages). */
export const PUBLIC_CSRF_COOKIE = 'hd_public_csrf';
/** base64url of 32 random bytes. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** The cookie outlives a long form-filling session, not more. */
const MAX_AGE_MS = 12 * 3_600_000;

/**
 * CSRF protection for pages without a session (docs/adr/0026), a double-submit cookie: a GET that
 * renders a form calls {@link publicCsrfToken}, which puts a random token in an HttpOnly,
 * SameSite=Lax cookie and returns it for the form's hidden `_csrf` field; a POST passes
 * {@link verifyPublicCsrf} only when the field (or `x-csrf-token`) equals the cookie. Another site
 * can make a browser send the cookie but can neither read it nor set it (same-origin cookie),
 * so it cannot put the matching value in the form. Reusable by any anonymous page.
 */
export function publicCsrfToken(req: Request, res: Response, secureCookies: boolean): string {
  let token = readCookies(req)[PUBLIC_CSRF_COOKIE];
  if (!token || !TOKEN.test(token)) {
    token = randomBytes(32).toString('base64url');
    res.cookie(PUBLIC_CSRF_COOKIE, token, cookieOptions(secureCookies, MAX_AGE_MS));
  }
  (res.locals as PageLocals).csrfToken = token;
  res.set('Cache-Control', 'no-store');
  return token;
}

/**
 * Refuses (CSRF_INVALID, 403) a state-changing request whose `_csrf` field or `x-csrf-token`
 * header does not equal the visitor's cookie. Mount it after the body parser.
 */
export function verifyPublicCsrf(): RequestHandler {
  return (req, _res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const cookie = publicCookieToken(req);
    if (cookie && sameToken(sentCsrfToken(req), cookie)) return next();
    next(
      new AppError(
        'CSRF_INVALID',
        'the form has expired or was not sent from this site; reload the page and try again',
      ),
    );
  };
}

/** The visitor's double-submit token (the cookie), when well formed. */
export function publicCookieToken(req: Request): string | undefined {
  const token = readCookies(req)[PUBLIC_CSRF_COOKIE];
  return token && TOKEN.test(token) ? token : undefined;
}
