import { Router } from 'express';

/** What the modeler's panel selects offer (docs/adr/0028): message templates and business calendars. */
export interface ModelerLists {
  /** Message templates, sorted by id, with the languages each has. */
  templates(): Promise<readonly { readonly id: string; readonly languages: readonly string[] }[]>;
  /** Business calendars, sorted by id, with their time zone. */
  calendars(): readonly { readonly id: string; readonly timeZone: string }[];
}

/**
 * `GET /templates.json` (`{ templates: [{ id, languages }] }`) and `GET /calendars.json`
 * (`{ calendars: [{ id, timeZone }] }`), mounted under `/analyst`, whose role guard (analyst;
 * admins pass) answers for them: the panel's template and calendar selects read these.
 */
export function panelListRoutes(lists: ModelerLists): Router {
  const router = Router();
  router.get('/templates.json', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ templates: await lists.templates() });
  });
  router.get('/calendars.json', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ calendars: lists.calendars() });
  });
  return router;
}
