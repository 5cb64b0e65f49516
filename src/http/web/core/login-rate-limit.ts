import type { Request, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { ThrottleTicket, ThrottleVerdict } from '../../../app/login-throttle.js';
import { visitorLanguage } from './language.js';
import type { PageLocals, Renderer } from './render.js';

/**
 * The login throttle as the login routes use it (`LoginThrottle` of src/app, with its
 * counters in the database; docs/adr/0013).
 */
export interface LoginLimit {
  begin(address: string, username: string): Promise<ThrottleVerdict>;
  succeeded(ticket: ThrottleTicket): Promise<void>;
}

/**
 * The throttle key of the client's address: `req.ip` (which honours
 * HELPDESK_TRUST_PROXY), IPv6 reduced to its /56 network so one host cannot
 * rotate through its own addresses.
 */
export function clientAddressKey(req: Request): string {
  return ipKeyGenerator(req.ip ?? 'unknown');
}

/**
 * Answers a throttled login: 429 with `Retry-After`, the same page whichever limit
 * was hit and whether or not the username exists, and before any password check.
 */
export function renderThrottled(req: Request, res: Response, renderer: Renderer, retryAfterSeconds: number) {
  const locals = res.locals as PageLocals;
  locals.lang = visitorLanguage(req);
  const minutes = Math.ceil(retryAfterSeconds / 60);
  res.set('Retry-After', String(retryAfterSeconds));
  res.set('Cache-Control', 'no-store');
  renderer.renderPage(
    res,
    'core/error',
    { title: 'common.errors.429.title' },
    {
      status: 429,
      code: 'TOO_MANY_REQUESTS',
      message: `too many failed logins; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
      titleKey: 'common.errors.429.title',
      textKey: 'common.errors.429.text',
      loggedIn: false,
    },
    429,
  );
}
