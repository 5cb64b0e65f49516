import express, { type RequestHandler } from 'express';
import { publicCookieToken, verifyPublicCsrf } from '../core/public-csrf.js';
import { multipartKeepingRefusal, type UploadLimits } from '../core/uploads.js';

/** Form posts without files are small: a few fields. */
export const PORTAL_URLENCODED = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 });

/**
 * The body of a portal post (docs/adr/0026, 0032): `multipart/form-data` when the form has a file
 * field, parsed with the upload parser of docs/adr/0024, which checks the `_csrf` field against the
 * visitor's double-submit cookie before keeping any file byte; otherwise urlencoded (64 kB, 200
 * fields) and the double-submit check. A refused upload (too large, too many) is kept for the
 * route (`uploadsOf`), which shows the form again (422) and stores nothing. `limits` undefined: no
 * files taken, so a multipart post is refused by the CSRF check (its body is not read).
 */
export function portalBody(limits: UploadLimits | undefined): RequestHandler[] {
  const parse = limits ? multipartKeepingRefusal(limits, publicCookieToken) : undefined;
  const body: RequestHandler = (req, res, next) => {
    if (!parse || !req.is('multipart/form-data')) return PORTAL_URLENCODED(req, res, next);
    parse(req, res, next);
  };
  return [body, verifyPublicCsrf()];
}
