import { Router } from 'express';
import type { PageKit } from '../page.js';
import type { WebPageDeps } from '../web-deps.js';

/** Supervisor pages (stub: filled in by the supervisor pages work). */
export function supervisorPages(_deps: WebPageDeps, _kit: PageKit): Router {
  return Router();
}
