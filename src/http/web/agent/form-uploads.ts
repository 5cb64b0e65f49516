import type { Request, RequestHandler } from 'express';
import type { FormFiles } from '../../../app/form-files.js';
import { isAppError, type AppError } from '../../../domain/errors.js';
import { sessionCsrfOf } from '../core/session-middleware.js';
import { multipartForm, uploadedFiles, type UploadedFile } from '../core/uploads.js';

const FORM_POSTS = [/^\/tasks\/[^/]+$/, /^\/start\/[^/]+$/];
const REFUSED = Symbol.for('helpdesk.formUploadRefused');

/**
 * Start and task forms with `filepicker` fields post `multipart/form-data` (docs/adr/0032). This
 * middleware, mounted before the web core's body parser and CSRF check, parses those posts with
 * the upload parser of docs/adr/0024, which verifies the CSRF token itself (the `_csrf` field comes
 * before any file). It then hands the verified token on as `_csrf`, so the core check passes and
 * the routes read fields as usual and files with `formUploadsOf`. A refused upload (a file too
 * large, too many) is kept for the route, which shows the form again (422) and changes nothing.
 */
export function formUploads(files: FormFiles | undefined): RequestHandler {
  if (!files) return (_req, _res, next) => next();
  const parse = multipartForm(files.limits, sessionCsrfOf);
  return (req, res, next) => {
    if (
      req.method !== 'POST' ||
      !req.is('multipart/form-data') ||
      !FORM_POSTS.some((re) => re.test(req.path))
    )
      return next();
    parse(req, res, (error?: unknown) => {
      if (error === undefined) {
        (req.body as Record<string, unknown>)._csrf = sessionCsrfOf(req);
        return next();
      }
      if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') return next(error);
      // Only a form page is rendered again for this request: it changes nothing.
      (req as unknown as Record<symbol, AppError>)[REFUSED] = error;
      req.body = { _csrf: sessionCsrfOf(req) };
      next();
    });
  };
}

/** The files a form post carried, or the refusal of its upload (too large, too many). */
export function formUploadsOf(req: Request): { files: readonly UploadedFile[]; refused?: AppError } {
  const refused = (req as unknown as Record<symbol, AppError | undefined>)[REFUSED];
  return refused ? { files: [], refused } : { files: uploadedFiles(req) };
}
