import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { Actor } from '../../../domain/actor.js';
import { isAppError, type FieldIssue } from '../../../domain/errors.js';
import type { InstanceRecord } from '../../../domain/instance.js';
import { webUser, type PageKit } from '../page.js';
import type { WebPageDeps } from '../web-deps.js';
import { flashQuery } from './flash.js';
import { formIdempotencyKey } from './idempotency-field.js';
import { instanceIdForKey } from '../../../app/idempotency.js';
import { attachFiles } from './form-file-fields.js';
import { uploadsOf } from '../core/uploads.js';
import { renderForm } from './form-renderer.js';
import { initialValues, submittedValues, toSubmission, type RawValues } from './form-values.js';

/** `/start` (procedures an agent may open a ticket of) and `/start/:procedureId` (its start form). */
export function startRoutes(deps: WebPageDeps, kit: PageKit): Router {
  const router = Router();
  const guard = kit.requirePageRole('agent');

  router.get('/start', guard, async (_req, res) => {
    const procedures = (await deps.definitions.list())
      .map((version) => ({
        id: version.procedureId,
        href: `/start/${encodeURIComponent(version.procedureId)}`,
        name: version.catalog.name || version.procedureId,
        prefix: version.catalog.ticketPrefix,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    kit.renderPage(res, 'agent/start-list', { title: 'agent.start.title', nav: 'start' }, { procedures });
  });

  router.get('/start/:procedureId', guard, async (req, res) => {
    await showStartForm(deps, kit, req, res, { issues: [] });
  });

  router.post('/start/:procedureId', guard, async (req, res) => {
    const user = webUser(req);
    const procedureId = req.params.procedureId as string;
    const { catalog, formVersions } = await deps.definitions.current(procedureId);
    const form = catalog.startFormKey ? await deps.inbox.form(catalog.startFormKey, formVersions) : undefined;
    const values = form ? submittedValues(form.schema, req.body) : {};
    // The form's key makes a double submit or a retry after a lost answer open one ticket.
    const upload = uploadsOf(req);
    // With files the key is needed: it names the ticket the start opens, which owns them (docs/adr/0032).
    const idempotencyKey =
      formIdempotencyKey(req.body) ?? (upload.files.length > 0 ? randomUUID() : undefined);
    let instance: InstanceRecord;
    let stored: readonly string[] = [];
    try {
      if (upload.refused) throw upload.refused;
      const submission = form ? toSubmission(form.schema, values, user) : {};
      const owner = idempotencyKey
        ? { instanceId: instanceIdForKey(user.id, idempotencyKey), uploadedBy: user.id, opening: true }
        : undefined;
      const attached = owner
        ? await attachFiles(deps, form?.schema, upload.files, submission, owner)
        : { data: submission, stored: [] };
      stored = attached.stored;
      instance = await deps.instances.start(procedureId, attached.data, user, { idempotencyKey });
    } catch (error) {
      if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') throw error;
      await deps.formFiles?.discard(stored); // a refused start leaves no file behind
      const issues =
        error.details.length > 0 ? error.details : [{ path: '', reason: 'invalid', message: error.message }];
      return showStartForm(deps, kit, req, res, { issues, values, idempotencyKey }, 422);
    }
    const taskId = await firstTaskFor(deps, instance, user);
    res.redirect(
      303,
      taskId
        ? `/tasks/${encodeURIComponent(taskId)}?${flashQuery('started', instance.businessKey)}`
        : `/inbox?${flashQuery('started-elsewhere', instance.businessKey)}`,
    );
  });

  return router;
}

async function showStartForm(
  deps: WebPageDeps,
  kit: PageKit,
  req: Request,
  res: Response,
  submitted: {
    readonly issues: readonly FieldIssue[];
    readonly values?: RawValues;
    readonly idempotencyKey?: string;
  },
  status = 200,
): Promise<void> {
  const { catalog, formVersions } = await deps.definitions.current(req.params.procedureId as string);
  const source = catalog.startFormKey ? await deps.inbox.form(catalog.startFormKey, formVersions) : undefined;
  const values = submitted.values ?? (source ? initialValues(source.schema, {}, webUser(req)) : {});
  kit.renderPage(
    res,
    'agent/start-form',
    { title: catalog.name || catalog.procedureId, nav: 'start' },
    {
      procedure: { id: catalog.procedureId, name: catalog.name || catalog.procedureId },
      action: `/start/${encodeURIComponent(catalog.procedureId)}`,
      form: source ? renderForm(source, values, submitted.issues) : undefined,
      hasErrors: submitted.issues.length > 0,
      idempotencyKey: submitted.idempotencyKey ?? randomUUID(),
    },
    status,
  );
}

/** The new ticket's first open task the agent may work on, if any. */
async function firstTaskFor(
  deps: WebPageDeps,
  instance: InstanceRecord,
  user: Actor,
): Promise<string | undefined> {
  for (const taskId of instance.openTaskIds) {
    const task = await deps.tasks.get(taskId, user).catch(() => undefined);
    if (task) return task.id;
  }
  return undefined;
}
