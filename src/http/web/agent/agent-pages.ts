import { Router } from 'express';
import type { PageKit } from '../page.js';
import type { WebPageDeps } from '../web-deps.js';

/** Agent pages (stub: filled in by the agent pages work). */
export function agentPages(_deps: WebPageDeps, _kit: PageKit): Router {
  return Router();
}
