import { Router } from 'express';
import type { RenderPage } from '../page.js';
import type { RequesterWebDeps } from './requester-deps.js';
import { surveyRoutes } from './survey-routes.js';
import { trackingRoutes } from './tracking-routes.js';
import { trackRoutes } from './track-routes.js';

export type { RequesterWebDeps } from './requester-deps.js';
export { requesterPanel, requesterStaffRoutes } from './staff-routes.js';

/**
 * The requester's public pages (no login; mounted before the session check): tracking `/r/:token`,
 * survey `/s/:token` and the lookup `/track` (docs/adr/0025).
 */
export function requesterPublicRoutes(
  deps: RequesterWebDeps,
  renderPage: RenderPage,
  activityNames: (definitionId: string) => Promise<(activityId: string) => string>,
): Router {
  const router = Router();
  router.use(trackingRoutes(deps, renderPage, activityNames));
  router.use(surveyRoutes(deps, renderPage));
  router.use(trackRoutes(deps, renderPage));
  return router;
}
