import type { RequestHandler } from 'express';
import type { FormFiles } from '../../../app/form-files.js';
import { sessionCsrfOf } from '../core/session-middleware.js';
import { multipartKeepingRefusal } from '../core/uploads.js';

const FORM_POSTS = [/^\/tasks\/[^/]+$/, /^\/start\/[^/]+$/];

/**
 * Start and task forms with `filepicker` fields post `multipart/form-data` (docs/adr/0032). This
 * middleware, mounted before the web core's body parser and CSRF check, parses those posts with
 * the upload parser of docs/adr/0024, which verifies the CSRF token itself (the `_csrf` field comes
 * before any file). It then hands the verified token on as `_csrf`, so the core check passes and
 * the routes read fields as usual and files with `uploadsOf`. A refused upload (a file too
 * large, too many) is kept for the route, which shows the form again (422) and changes nothing.
 */
export function formUploads(files: FormFiles | undefined): RequestHandler {
  if (!files) return (_req, _res, next) => next();
  // Only a form page is rendered again for a refused upload: it changes nothing.
  const parse = multipartKeepingRefusal(files.limits, sessionCsrfOf);
  return (req, res, next) => {
    if (
      req.method !== 'POST' ||
      !req.is('multipart/form-data') ||
      !FORM_POSTS.some((re) => re.test(req.path))
    )
      return next();
    parse(req, res, next);
  };
}
