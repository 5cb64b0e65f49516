import express, { type Request, type RequestHandler } from 'express';
import type { PostedFile } from '../../../app/form-files.js';
import { isAppError, type AppError } from '../../../domain/errors.js';
import { readCookies } from '../core/cookies.js';
import { PUBLIC_CSRF_COOKIE, verifyPublicCsrf } from '../core/public-csrf.js';
import { multipartForm, uploadedFiles, type UploadLimits } from '../core/uploads.js';

/** Form posts without files are small: a few fields. */
const URLENCODED = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 });
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const REFUSED = Symbol.for('helpdesk.portalUploadRefused');

/**
 * The body of a portal post (docs/adr/0026, 0032): `multipart/form-data` when the form has a file
 * field, parsed with the upload parser of docs/adr/0024, which checks the `_csrf` field against the
 * visitor's double-submit cookie before keeping any file byte; otherwise urlencoded (64 kB, 200
 * fields) and the double-submit check. A refused upload (too large, too many) is kept for the
 * route, which shows the form again (422) and stores nothing. `limits` undefined: no files taken,
 * so a multipart post is refused by the CSRF check (its body is not read).
 */
export function portalBody(limits: UploadLimits | undefined): RequestHandler[] {
  const csrf = verifyPublicCsrf();
  const parse = limits ? multipartForm(limits, publicCookieToken) : undefined;
  const body: RequestHandler = (req, res, next) => {
    if (!parse || !req.is('multipart/form-data')) return URLENCODED(req, res, next);
    parse(req, res, (error?: unknown) => {
      if (error === undefined) {
        (req.body as Record<string, unknown>)._csrf = publicCookieToken(req);
        return next();
      }
      if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') return next(error);
      (req as unknown as Record<symbol, AppError>)[REFUSED] = error;
      req.body = { _csrf: publicCookieToken(req) };
      next();
    });
  };
  return [body, csrf];
}

/** The files a portal post carried, or the refusal of its upload. */
export function portalUploadsOf(req: Request): { files: readonly PostedFile[]; refused?: AppError } {
  const refused = (req as unknown as Record<symbol, AppError | undefined>)[REFUSED];
  return refused ? { files: [], refused } : { files: uploadedFiles(req) };
}

/** The visitor's double-submit CSRF token (the cookie), when well formed. */
function publicCookieToken(req: Request): string | undefined {
  const token = readCookies(req)[PUBLIC_CSRF_COOKIE];
  return token && TOKEN.test(token) ? token : undefined;
}
