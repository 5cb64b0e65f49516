import { Router } from 'express';
import type { PageKit } from '../page.js';
import type { WebPageDeps } from '../web-deps.js';

/** Analyst pages (stub: filled in by the analyst pages work). */
export function analystPages(_deps: WebPageDeps, _kit: PageKit): Router {
  return Router();
}
