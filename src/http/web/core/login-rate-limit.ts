import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { AppError } from '../../../domain/errors.js';

/** How many failed logins are allowed per client address and username, and in what window. */
export interface LoginLimit {
  readonly maxFailures: number;
  readonly windowMs: number;
}

/**
 * Limits failed logins per client IP and username (successful ones do not count);
 * past the limit the login answers 429. The counters live in this process's memory:
 * with several app processes each counts on its own, so the effective limit is
 * multiplied by their number (docs/adr/0007).
 */
export function loginRateLimit(limit: LoginLimit): RequestHandler {
  return rateLimit({
    windowMs: limit.windowMs,
    limit: limit.maxFailures,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => {
      const username = (req.body as Record<string, unknown> | undefined)?.username;
      const name = typeof username === 'string' ? username.trim().toLowerCase().slice(0, 100) : '';
      return `${ipKeyGenerator(req.ip ?? 'unknown')}|${name}`;
    },
    handler: (_req, _res, next) => {
      const minutes = Math.ceil(limit.windowMs / 60_000);
      next(new AppError('TOO_MANY_REQUESTS', `too many failed logins; try again in ${minutes} minutes`));
    },
  });
}
