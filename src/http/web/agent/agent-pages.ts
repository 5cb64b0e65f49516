import { Router } from 'express';
import type { PageKit } from '../page.js';
import type { WebPageDeps } from '../web-deps.js';
import { inboxRoutes } from './inbox-routes.js';
import { startRoutes } from './start-routes.js';
import { taskRoutes } from './task-routes.js';

/** Agent pages: the inbox (`/inbox`), task pages (`/tasks/:taskId`) and opening tickets (`/start`). */
export function agentPages(deps: WebPageDeps, kit: PageKit): Router {
  const router = Router();
  router.use(inboxRoutes(deps, kit));
  router.use(taskRoutes(deps, kit));
  router.use(startRoutes(deps, kit));
  return router;
}
