import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { AppError } from '../../../domain/errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The token a request sends: form field `_csrf` or header `x-csrf-token`. */
export function sentCsrfToken(req: Request): string | undefined {
  const header = req.get('x-csrf-token');
  if (header) return header;
  const field = (req.body as Record<string, unknown> | undefined)?._csrf;
  return typeof field === 'string' ? field : undefined;
}

/** Timing-safe comparison (hashing first makes the lengths equal). */
export function sameToken(sent: string | undefined, expected: string | undefined): boolean {
  if (!sent || !expected) return false;
  const a = createHash('sha256').update(sent).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Synchronizer-token check of every state-changing request: the token sent must be
 * the session's (`expected(req)`); otherwise CSRF_INVALID (403).
 */
export function verifyCsrf(expected: (req: Request) => string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (sameToken(sentCsrfToken(req), expected(req))) return next();
    next(new AppError('CSRF_INVALID', `request ${req.method} ${req.path} has a missing or wrong CSRF token`));
  };
}
