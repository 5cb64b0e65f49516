import { createRequire } from 'node:module';
import express, { Router, type Request, type Response } from 'express';
import { isAppError } from '../../../domain/errors.js';
import { ERROR_STATUS } from '../../error-status.js';
import { webUser, type PageKit } from '../page.js';
import type { WebPageDeps } from '../web-deps.js';
import { analystTitle } from './analyst-titles.js';
import { sendError, sendSaved, shownError, xmlFrom, type ShownError } from './deploy-outcome.js';
import { procedureUrl } from './procedure-views.js';
import { starterDiagram } from './starter-diagram.js';

const XML_TYPES = ['application/xml', 'text/xml', 'application/bpmn+xml'];
/**
 * The XML guard refuses BPMN over 5 MiB with a clear PROCEDURE_UNSAFE; the parser
 * allows a little more so that message, not a bare 413, is what the analyst sees.
 * (Form posts are parsed by the web core, up to 16 MB; JSON by the app, up to 1 MB.)
 */
const XML_BODY_LIMIT = '6mb';
const CAMUNDA_MODDLE = createRequire(import.meta.url).resolve('camunda-bpmn-moddle/resources/camunda.json');
/** The bundled modeler (properties panel, token simulation; scripts/build-assets.mjs, ADR 0028). */
const MODELER_ASSETS = {
  styles: ['/assets/build/modeler.css', '/assets/css/diagram.css', '/assets/css/analyst.css'],
  scripts: ['/assets/build/modeler.js', '/assets/js/diagram-controls.js', '/assets/js/analyst-modeler.js'],
};

/** What the modeler page shows besides the diagram: kept XML and errors of a failed no-JS save. */
interface FallbackState {
  readonly xml?: string;
  readonly error?: ShownError;
}

/**
 * The bpmn-js modeler of a procedure. The page script loads `current.bpmn` (or the
 * starter diagram of a new procedure), and saves by POSTing the XML to `versions`,
 * which deploys it through the same checks as the API and answers JSON. A plain
 * form posting the XML (textarea) to the same URL is the no-JavaScript fallback.
 */
export function modelerRoutes(deps: WebPageDeps, kit: PageKit): Router {
  const router = Router();

  const showModeler = async (req: Request, res: Response, state: FallbackState = {}, status = 200) => {
    const procedureId = String(req.params.procedureId);
    const base = procedureUrl(procedureId);
    const isNew = req.query.new === '1' || req.body?.isNew === '1';
    const current = await deps.definitions.current(procedureId).catch((error: unknown) => {
      if (isNew && isAppError(error) && error.code === 'PROCEDURE_NOT_FOUND') return undefined;
      throw error;
    });
    const xml = state.xml ?? current?.xml ?? starterDiagram(procedureId, webUser(req).language);
    const title = analystTitle(webUser(req).language, 'modeler.title', procedureId);
    kit.renderPage(
      res,
      'analyst/modeler',
      { title, nav: 'analyst', ...MODELER_ASSETS },
      {
        procedureId,
        name: current?.catalog.name ?? procedureId,
        version: current?.version,
        isNew: !current,
        xml,
        error: state.error,
        saveUrl: `${base}/versions`,
        versionsUrl: `${base}/versions`,
        modeler: {
          xmlUrl: current ? `${base}/current.bpmn` : `${base}/starter.bpmn`,
          saveUrl: `${base}/versions`,
          versionsUrl: `${base}/versions`,
          moddleUrl: '/analyst/assets/camunda-moddle.json',
          formsUrl: deps.formVersions ? '/analyst/forms.json' : null,
          // The panel's template and calendar selects (panel-lists.ts; assets-src/panel-lists.js).
          templatesUrl: '/analyst/templates.json',
          calendarsUrl: '/analyst/calendars.json',
          version: current?.version ?? null,
        },
      },
      status,
    );
  };

  router.get('/procedures/:procedureId/modeler', (req, res) => showModeler(req, res));

  router.get('/procedures/:procedureId/current.bpmn', async (req, res) => {
    const current = await deps.definitions.current(req.params.procedureId);
    res
      .type('application/xml')
      .set('Content-Security-Policy', "sandbox; default-src 'none'")
      .set({ 'Cache-Control': 'no-store', 'X-Procedure-Version': String(current.version) })
      .send(current.xml);
  });

  router.get('/procedures/:procedureId/starter.bpmn', (req, res) => {
    res
      .type('application/xml')
      .set('Content-Security-Policy', "sandbox; default-src 'none'")
      .send(starterDiagram(req.params.procedureId, webUser(req).language));
  });

  router.get('/assets/camunda-moddle.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=86400').sendFile(CAMUNDA_MODDLE);
  });

  router.post(
    '/procedures/:procedureId/versions',
    express.text({ type: XML_TYPES, limit: XML_BODY_LIMIT }),
    async (req, res) => {
      const fromForm = req.is('application/x-www-form-urlencoded') !== false;
      const procedureId = req.params.procedureId;
      const keptXml = fromForm && typeof req.body?.xml === 'string' ? (req.body.xml as string) : undefined;
      try {
        const result = await deps.definitions.deploy(procedureId, xmlFrom(req.body), webUser(req));
        if (!fromForm) return sendSaved(res, result);
        const query = `saved=${result.version.version}&created=${result.created ? 1 : 0}`;
        return res.redirect(303, `${procedureUrl(procedureId)}/versions?${query}`);
      } catch (error) {
        if (!fromForm) return sendError(res, error);
        if (!isAppError(error)) throw error;
        return showModeler(
          req,
          res,
          { xml: keptXml ?? '', error: shownError(error) },
          ERROR_STATUS[error.code],
        );
      }
    },
  );

  return router;
}
