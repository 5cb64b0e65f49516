import type { Request, RequestHandler, Response } from 'express';
import type { GrantedLink } from '../../../app/requester-links.js';
import { requesterEmailOf, type LinkPurpose } from '../../../domain/requester-link.js';
import { AppError, isAppError } from '../../../domain/errors.js';
import { ERROR_STATUS } from '../../error-status.js';
import { sameToken, sentCsrfToken } from '../core/csrf.js';
import { clientAddressKey } from '../core/login-rate-limit.js';
import { isUiLanguage, visitorLanguage } from '../core/language.js';
import type { PageLocals } from '../core/render.js';
import type { RenderPage, UiLanguage } from '../page.js';
import type { RequesterWebDeps } from './requester-deps.js';

/**
 * Headers of every requester page: the token is in the URL, so no Referer leaves the page and
 * nothing is cached or indexed (helmet's CSP and the rest apply as everywhere).
 */
export const requesterHeaders: RequestHandler = (_req, res, next) => {
  res.set('Referrer-Policy', 'no-referrer');
  res.set('Cache-Control', 'no-store');
  res.set('X-Robots-Tag', 'noindex, nofollow');
  next();
};

/**
 * The page language: `?lang=` (the requester's choice), else the ticket's (the requester's language,
 * else the procedure's; es/it/en), else the visitor's.
 */
export function pageLanguage(req: Request, res: Response, procedureLanguage?: string): UiLanguage {
  const asked = req.query.lang;
  const lang = isUiLanguage(asked)
    ? asked
    : isUiLanguage(procedureLanguage)
      ? procedureLanguage
      : visitorLanguage(req);
  (res.locals as PageLocals).lang = lang;
  return lang;
}

/** `?lang=xx` to keep the chosen language on a form's action, or nothing. */
export function langQuery(req: Request): string {
  return isUiLanguage(req.query.lang) ? `?lang=${req.query.lang}` : '';
}

/**
 * The link behind `:token` for `purpose`, or an answer already sent: 429 when the address opened
 * too many bad links, the link-error page (404 unknown, 410 expired/revoked/used) otherwise.
 */
export async function openLink(
  deps: RequesterWebDeps,
  renderPage: RenderPage,
  req: Request,
  res: Response,
  purpose: LinkPurpose,
): Promise<GrantedLink | undefined> {
  const address = clientAddressKey(req);
  const verdict = await deps.lookup.linksAllowed(address);
  if (!verdict.allowed) {
    tooMany(renderPage, req, res, verdict.retryAfterSeconds);
    return undefined;
  }
  try {
    return await deps.links.check(String(req.params.token ?? ''), purpose);
  } catch (error) {
    if (!isAppError(error) || (error.code !== 'LINK_INVALID' && error.code !== 'LINK_EXPIRED')) throw error;
    if (error.code === 'LINK_INVALID') await deps.lookup.badLink(address);
    linkError(renderPage, req, res, error, await linkLanguage(deps, String(req.params.token ?? '')));
    return undefined;
  }
}

/** The requester's (else the procedure's) language of a known (expired, revoked or used) link's ticket. */
async function linkLanguage(deps: RequesterWebDeps, token: string): Promise<string | undefined> {
  try {
    const instanceId = await deps.links.ticketOf(token);
    if (!instanceId) return undefined;
    const head = await deps.log.load(instanceId);
    const { language } = (await deps.definitions.byId(head.definitionId)).catalog;
    return await deps.links.languageFor(head.variables, requesterEmailOf(head.variables), language);
  } catch {
    return undefined; // the ticket or its version is gone: the visitor's language
  }
}

/** Refuses a post whose `_csrf` is not the one bound to the link. */
export function checkLinkCsrf(deps: RequesterWebDeps, req: Request, link: GrantedLink): void {
  if (!sameToken(sentCsrfToken(req), deps.links.csrfFor(link.token)))
    throw new AppError('CSRF_INVALID', 'the form has expired; reload the page and try again');
}

/** The page explaining that a link does not (or no longer) work, with the way to a fresh one. */
export function linkError(
  renderPage: RenderPage,
  req: Request,
  res: Response,
  error: AppError,
  procedureLanguage?: string,
): void {
  pageLanguage(req, res, procedureLanguage);
  const reason = error.details[0]?.reason ?? 'invalid';
  renderPage(
    res,
    'requester/link-error',
    { title: 'requester.linkError.title' },
    {
      reasonKey: `requester.linkError.${['expired', 'revoked', 'used'].includes(reason) ? reason : 'invalid'}`,
    },
    ERROR_STATUS[error.code],
  );
}

/** 429 with Retry-After, the same page whatever was counted. */
export function tooMany(
  renderPage: RenderPage,
  req: Request,
  res: Response,
  retryAfterSeconds: number,
): void {
  pageLanguage(req, res);
  res.set('Retry-After', String(retryAfterSeconds));
  renderPage(
    res,
    'requester/link-error',
    { title: 'requester.throttled.title' },
    { reasonKey: 'requester.throttled.text', minutes: Math.ceil(retryAfterSeconds / 60) },
    429,
  );
}
