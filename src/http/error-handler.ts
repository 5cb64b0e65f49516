import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { isAppError } from '../domain/errors.js';
import { ERROR_STATUS } from './error-status.js';

/** Renders every error as `{ error: { code, message, details } }`; unexpected ones are logged, not leaked. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (isAppError(error)) {
      const status = ERROR_STATUS[error.code];
      if (status >= 500) logger.error({ err: error, path: req.path }, error.message);
      res
        .status(status)
        .json({ error: { code: error.code, message: error.message, details: error.details } });
      return;
    }
    const bodyError = bodyParserError(error);
    if (bodyError) {
      res
        .status(bodyError.status)
        .json({ error: { code: 'BAD_REQUEST', message: bodyError.message, details: [] } });
      return;
    }
    logger.error({ err: error, path: req.path }, 'unexpected error');
    res
      .status(500)
      .json({ error: { code: 'INTERNAL', message: 'internal error; see the server log', details: [] } });
  };
}

function bodyParserError(error: unknown): { status: number; message: string } | undefined {
  const e = error as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.parse.failed')
    return { status: 400, message: `request body is not valid JSON: ${e.message}` };
  if (e?.type === 'entity.too.large') return { status: 413, message: 'request body too large' };
  return undefined;
}
