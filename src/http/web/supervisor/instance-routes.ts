import { Router, type Request, type Response } from 'express';
import { webUser, type PageKit } from '../page.js';
import type { WebPageDeps } from '../web-deps.js';
import { laneName } from '../../../app/inbox-service.js';
import { readableCandidates } from '../core/candidate-names.js';
import { procedureFieldLabels } from '../core/field-labels.js';
import { instancePageModel } from './instance-page-model.js';
import { DIAGRAM_SCRIPTS, DIAGRAM_STYLES } from './supervisor-views.js';

const MAX_REASON = 500;

/**
 * One instance: `/supervisor/instances/:id` (header, diagram of the version it runs on,
 * variables, tasks, timers, SLA clocks, messages, audit trail), the XML of that version
 * for the diagram script, the cancel form and the retry of an incident.
 */
export function instanceRoutes(deps: WebPageDeps, kit: PageKit): Router {
  const router = Router();

  /** Renders the page; `extra` carries the cancel form's errors and kept reason. */
  async function show(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const user = webUser(req);
    const instanceId = String(req.params.instanceId);
    const view = await deps.instances.get(instanceId, user);
    const [version, name] = await Promise.all([
      deps.definitions.byId(view.instance.definitionId),
      deps.monitoring.activityNames(view.instance.definitionId),
    ]);
    const fields = await procedureFieldLabels(deps.inbox, version.catalog);
    const model = instancePageModel(view, version, name, deps.clock.now(), fields);
    // Candidate users (`user:<id>`) by name, not id.
    const groupLabels = await readableCandidates(
      view.tasks.map((task) => task.candidateGroups.map((id) => laneName(version.catalog, id))),
      deps.accounts,
    );
    const tasks = model.tasks.map((task, index) => ({
      ...task,
      groups: (groupLabels[index] ?? []).join(', '),
    }));
    kit.renderPage(
      res,
      'supervisor/instance',
      {
        title: view.instance.businessKey,
        nav: 'instances',
        styles: DIAGRAM_STYLES,
        scripts: DIAGRAM_SCRIPTS,
      },
      {
        ...model,
        tasks,
        cancelled: req.query.cancelled === '1',
        retried: req.query.retried === '1',
        ...(await deps.requesterPanel?.(instanceId, user)),
        ...extra,
      },
      status,
    );
  }

  router.get('/instances/:instanceId', (req, res) => show(req, res));

  router.get('/instances/:instanceId/diagram.bpmn', async (req, res) => {
    const xml = await deps.monitoring.diagramXml(req.params.instanceId, webUser(req));
    res
      .type('application/xml')
      .set('Content-Security-Policy', "sandbox; default-src 'none'")
      .set('Cache-Control', 'private, no-cache')
      .send(xml);
  });

  router.post('/instances/:instanceId/cancel', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const reason = typeof body.reason === 'string' ? body.reason.trim() : '';
    if (!reason || reason.length > MAX_REASON) {
      const error = reason ? 'supervisor.errors.maxLength' : 'supervisor.errors.required';
      await show(
        req,
        res,
        { cancelError: error, reason: typeof body.reason === 'string' ? body.reason : '' },
        422,
      );
      return;
    }
    const { instanceId } = req.params;
    await deps.instances.cancel(instanceId, reason, webUser(req));
    res.redirect(303, `/supervisor/instances/${encodeURIComponent(instanceId)}?cancelled=1`);
  });

  router.post('/instances/:instanceId/retry', async (req, res) => {
    const { instanceId } = req.params;
    await deps.instances.retry(instanceId, webUser(req));
    res.redirect(303, `/supervisor/instances/${encodeURIComponent(instanceId)}?retried=1`);
  });

  return router;
}
