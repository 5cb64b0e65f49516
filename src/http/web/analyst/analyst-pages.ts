import { Router } from 'express';
import type { PageKit } from '../page.js';
import type { WebPageDeps } from '../web-deps.js';
import { formsRoutes } from './forms-routes.js';
import { modelerRoutes } from './modeler-routes.js';
import { proceduresRoutes } from './procedures-routes.js';
import { versionsRoutes } from './versions-routes.js';

/**
 * Analyst pages under `/analyst` (role analyst; admins pass): the procedures list,
 * each procedure's versions (download, read-only diagram) and the bpmn-js modeler,
 * whose saves become new validated versions; the versioned forms and their editor.
 */
export function analystPages(deps: WebPageDeps, kit: PageKit): Router {
  const analyst = Router();
  analyst.use(kit.requirePageRole('analyst'));
  analyst.use(proceduresRoutes(deps, kit));
  analyst.use(versionsRoutes(deps, kit));
  analyst.use(modelerRoutes(deps, kit));
  if (deps.formVersions) analyst.use(formsRoutes(deps.formVersions, kit));
  const router = Router();
  router.use('/analyst', analyst);
  return router;
}
