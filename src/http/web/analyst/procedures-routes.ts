import { Router, type Request, type Response } from 'express';
import { AppError, isAppError } from '../../../domain/errors.js';
import { ERROR_STATUS } from '../../error-status.js';
import { webUser, type PageKit } from '../page.js';
import type { WebPageDeps } from '../web-deps.js';
import { analystTitle } from './analyst-titles.js';
import { shownError, type ShownError } from './deploy-outcome.js';
import { procedureRows, procedureUrl } from './procedure-views.js';
import { checkProcedureId } from './starter-diagram.js';

/** Values and problems of the "new procedure" form, kept when it is shown again. */
interface NewProcedureForm {
  readonly procedureId: string;
  readonly xml: string;
  readonly error?: ShownError;
}

/**
 * `/analyst/procedures`: every procedure with its current version, and the
 * "new procedure" form (an id plus, optionally, pasted BPMN XML; without XML the
 * modeler opens on a starter diagram and the first save deploys version 1).
 */
export function proceduresRoutes(deps: WebPageDeps, kit: PageKit): Router {
  const router = Router();

  const showList = async (req: Request, res: Response, form?: NewProcedureForm, status = 200) => {
    const rows = procedureRows(await deps.definitions.list());
    const title = analystTitle(webUser(req).language, 'procedures.title');
    kit.renderPage(
      res,
      'analyst/procedures',
      { title, nav: 'analyst', styles: ['/assets/css/analyst.css'] },
      { procedures: rows, form: form ?? { procedureId: '', xml: '' } },
      status,
    );
  };

  router.get('/', (_req, res) => res.redirect(303, '/analyst/procedures'));
  router.get('/procedures', (req, res) => showList(req, res));

  router.post('/procedures', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const procedureId = typeof body.procedureId === 'string' ? body.procedureId.trim() : '';
    const xml = typeof body.xml === 'string' ? body.xml : '';
    try {
      checkProcedureId(procedureId);
      if ((await deps.definitions.versions(procedureId)).length > 0) {
        throw new AppError('CONFLICT', `procedure <${procedureId}> already exists`);
      }
      if (!xml.trim()) return res.redirect(303, `${procedureUrl(procedureId)}/modeler?new=1`);
      const { version } = await deps.definitions.deploy(procedureId, xml, webUser(req));
      return res.redirect(303, `${procedureUrl(procedureId)}/versions?saved=${version.version}&created=1`);
    } catch (error) {
      if (!isAppError(error)) throw error;
      return showList(req, res, { procedureId, xml, error: shownError(error) }, ERROR_STATUS[error.code]);
    }
  });

  return router;
}
