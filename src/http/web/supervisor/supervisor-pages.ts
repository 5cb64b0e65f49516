import { Router } from 'express';
import type { PageKit } from '../page.js';
import type { WebPageDeps } from '../web-deps.js';
import { dashboardRoutes } from './dashboard-routes.js';
import { instanceListRoutes } from './instance-list-routes.js';
import { instanceRoutes } from './instance-routes.js';

/**
 * Supervisor pages under `/supervisor` (role supervisor; admins pass): the instance list
 * with filters, one instance with its highlighted diagram and audit trail, and the dashboard.
 */
export function supervisorPages(deps: WebPageDeps, kit: PageKit): Router {
  const supervisor = Router();
  supervisor.use(kit.requirePageRole('supervisor'));
  supervisor.get('/', (_req, res) => res.redirect(302, '/supervisor/instances'));
  supervisor.use(instanceListRoutes(deps, kit));
  supervisor.use(instanceRoutes(deps, kit));
  supervisor.use(dashboardRoutes(deps, kit));
  const router = Router();
  router.use('/supervisor', supervisor);
  return router;
}
