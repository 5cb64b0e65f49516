import type { Request, Response } from 'express';
import type { InboxService } from '../../../app/inbox-service.js';
import type { PortalIntake, PublicProcedure } from '../../../app/portal-intake.js';
import type { PageLocals } from '../core/render.js';
import type { RenderPage, UiLanguage } from '../page.js';
import { portalLanguage } from './portal-language.js';

/** What the portal pages need. */
export interface PortalWebDeps {
  readonly portal: PortalIntake;
  /** Reads forms for rendering (the agents' form sources). */
  readonly inbox: InboxService;
  readonly secureCookies: boolean;
}

/** Sets the page language (see portal-language.ts) and returns it. */
export function useLanguage(req: Request, res: Response, fallback?: string): UiLanguage {
  const lang = portalLanguage(req, fallback);
  (res.locals as PageLocals).lang = lang;
  return lang;
}

/** A short page with one message (`<key>.title` and `<key>.text`) and a way back. */
export function message(
  renderPage: RenderPage,
  res: Response,
  status: number,
  key: string,
  vars: Record<string, unknown>,
  procedure?: PublicProcedure,
): void {
  res.set('Cache-Control', 'no-store');
  renderPage(res, 'portal/message', { title: `${key}.title` }, { key, vars, procedure, status }, status);
}
