/**
 * CONTRACT between the web core and the page modules (agent, supervisor, analyst).
 * The web core implements these; page modules only import from here.
 *
 * - Every request under the web router has passed the session middleware: `webUser(req)`
 *   is the logged-in user (anonymous requests were redirected to /login before reaching pages).
 * - Every non-GET request has passed CSRF verification (field `_csrf` or header `x-csrf-token`).
 * - Bodies of `application/x-www-form-urlencoded` forms are parsed into `req.body`
 *   (repeated keys become arrays); JSON bodies too.
 * - Views live in `templates/pages/<name>.hbs`, partials in `templates/partials/<name>.hbs`
 *   (registered by file name), UI strings in `templates/i18n/<lang>/<area>.json`, looked up
 *   as `<area>.<key>` with the `{{t "area.key" var=value}}` helper.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Actor, Role } from '../../domain/actor.js';

/** UI languages. */
export type UiLanguage = 'es' | 'it' | 'en';

/** The logged-in user of a web request. */
export interface WebUser extends Actor {
  readonly displayName: string;
  readonly language: UiLanguage;
  readonly email?: string;
}

const USER = Symbol.for('helpdesk.webUser');

/** The logged-in user (set by the session middleware). */
export function webUser(req: Request): WebUser {
  const user = (req as unknown as Record<symbol, WebUser | undefined>)[USER];
  if (!user) throw new Error('webUser() called outside the session middleware');
  return user;
}

/** Used by the session middleware only. */
export function setWebUser(req: Request, user: WebUser): void {
  (req as unknown as Record<symbol, WebUser>)[USER] = user;
}

/** Data every page template receives besides its own (set by `renderPage`). */
export interface PageChrome {
  readonly title: string;
  /** Extra stylesheet / script URLs (served same-origin; CSP forbids inline scripts). */
  readonly styles?: readonly string[];
  readonly scripts?: readonly string[];
  /** Navigation key of the active menu entry, e.g. `inbox`. */
  readonly nav?: string;
}

/** Signature of `renderPage`, implemented in `render.ts` by the web core. */
export type RenderPage = (
  res: Response,
  view: string,
  chrome: PageChrome,
  data?: Record<string, unknown>,
  status?: number,
) => void;

/** Signature of the role guard: renders the 403 page unless the user has one of the roles (admin passes). */
export type RequirePageRole = (...roles: Role[]) => RequestHandler;

/** What the web core hands each page module: `agentPages(deps, kit)`, `supervisorPages(deps, kit)`, `analystPages(deps, kit)`. */
export interface PageKit {
  readonly renderPage: RenderPage;
  readonly requirePageRole: RequirePageRole;
}
