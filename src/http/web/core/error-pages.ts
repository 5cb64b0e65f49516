import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { isAppError } from '../../../domain/errors.js';
import { ERROR_STATUS } from '../../error-status.js';
import { visitorLanguage } from './language.js';
import type { PageLocals, Renderer } from './render.js';

const KNOWN = new Set([400, 401, 403, 404, 409, 413, 422, 429, 500, 502, 503]);

/** Renders the error page (`core/error`) with a status, a code and a message to show. */
function renderError(
  renderer: Renderer,
  res: Parameters<RequestHandler>[1],
  status: number,
  code: string,
  message: string,
) {
  const locals = res.locals as PageLocals;
  const key = `common.errors.${KNOWN.has(status) ? status : 500}`;
  renderer.renderPage(
    res,
    'core/error',
    { title: `${key}.title` },
    {
      status,
      code,
      message,
      titleKey: `${key}.title`,
      textKey: `${key}.text`,
      loggedIn: Boolean(locals.webUser),
    },
    status,
  );
}

/** The 404 page of unknown web paths. */
export function notFoundPage(renderer: Renderer): RequestHandler {
  return (req, res) => {
    if (!(res.locals as PageLocals).webUser) (res.locals as PageLocals).lang = visitorLanguage(req);
    renderError(renderer, res, 404, 'NOT_FOUND', `no page at ${req.path}`);
  };
}

/**
 * Errors of web routes as HTML pages in the user's language, with the status of the
 * error table; unexpected errors are logged and shown without details.
 */
export function errorPages(renderer: Renderer, logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const locals = res.locals as PageLocals;
    if (!locals.webUser) locals.lang = visitorLanguage(req);
    if (isAppError(error)) {
      const status = ERROR_STATUS[error.code];
      if (status >= 500) logger.error({ err: error, path: req.path }, error.message);
      if (status === 429 && !res.get('Retry-After')) res.set('Retry-After', '900');
      return renderError(renderer, res, status, error.code, status >= 500 ? '' : error.message);
    }
    const e = error as { type?: string; status?: unknown };
    if (e?.type === 'entity.too.large')
      return renderError(renderer, res, 413, 'BAD_REQUEST', 'request body too large');
    if (typeof e?.type === 'string' && e.type.startsWith('entity.'))
      return renderError(renderer, res, 400, 'BAD_REQUEST', 'the request body could not be read');
    // Client errors raised by Express itself (static files not found, bad URL encoding).
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
      return renderError(renderer, res, e.status, e.status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', '');
    logger.error({ err: error, path: req.path }, 'unexpected error in a web page');
    try {
      renderError(renderer, res, 500, 'INTERNAL', '');
    } catch (renderFailure) {
      logger.error({ err: renderFailure }, 'the error page itself failed');
      res.status(500).type('text').send('internal error; see the server log');
    }
  };
}
