import { Router, type Request, type Response } from 'express';
import { hasRole } from '../../../domain/actor.js';
import { isAppError, type FieldIssue } from '../../../domain/errors.js';
import type { TaskRecord } from '../../../domain/instance.js';
import { webUser, type PageKit } from '../page.js';
import type { WebPageDeps } from '../web-deps.js';
import { flashOf, flashQuery } from './flash.js';
import { renderForm } from './form-renderer.js';
import { initialValues, submittedValues, toSubmission, type RawValues } from './form-values.js';
import { ticketContext } from './ticket-context.js';

/** `/tasks/:taskId`: the task's form with its ticket around it; posting it completes the task. */
export function taskRoutes(deps: WebPageDeps, kit: PageKit): Router {
  const router = Router();
  const guard = kit.requirePageRole('agent', 'supervisor');

  router.get('/tasks/:taskId', guard, async (req, res) => {
    await showTask(deps, kit, req, res, { issues: [] });
  });

  router.post('/tasks/:taskId', kit.requirePageRole('agent'), async (req, res) => {
    const user = webUser(req);
    const task = await deps.tasks.get(req.params.taskId as string, user);
    const form = task.formKey ? await deps.inbox.form(task.formKey) : undefined;
    const values = form ? submittedValues(form.schema, req.body) : {};
    try {
      const data = form ? toSubmission(form.schema, values) : {};
      await deps.tasks.complete(task.id, data, user);
    } catch (error) {
      if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') throw error;
      const issues =
        error.details.length > 0 ? error.details : [{ path: '', reason: 'invalid', message: error.message }];
      return showTask(deps, kit, req, res, { issues, values }, 422);
    }
    res.redirect(303, `/inbox?${flashQuery('completed', task.businessKey)}`);
  });

  return router;
}

interface Submitted {
  readonly issues: readonly FieldIssue[];
  readonly values?: RawValues;
}

async function showTask(
  deps: WebPageDeps,
  kit: PageKit,
  req: Request,
  res: Response,
  submitted: Submitted,
  status = 200,
): Promise<void> {
  const user = webUser(req);
  const task = await deps.tasks.get(req.params.taskId as string, user);
  const view = await deps.instances.get(task.instanceId, user);
  const definition = await deps.definitions.byId(view.instance.definitionId);
  const source = task.formKey ? await deps.inbox.form(task.formKey) : undefined;
  const open = task.status === 'open';
  const values = submitted.values ?? (source ? initialValues(source.schema, view.instance.variables) : {});
  kit.renderPage(
    res,
    'agent/task',
    { title: task.name, nav: 'inbox' },
    {
      task: { ...task, groups: task.candidateGroups.join(', ') },
      href: `/tasks/${encodeURIComponent(task.id)}`,
      ticketNumber: view.instance.businessKey,
      procedureName: definition.catalog.name || task.procedureId,
      instance: view.instance,
      context: ticketContext(view),
      form: open && source ? renderForm(source, values, submitted.issues) : undefined,
      noForm: open && !source,
      open,
      hasErrors: submitted.issues.length > 0,
      mayComplete: open && mayComplete(task, user.id, hasRole(user, 'admin')) && hasRole(user, 'agent'),
      canClaim: open && !task.assignee && hasRole(user, 'agent'),
      canUnclaim:
        open && Boolean(task.assignee) && (task.assignee === user.id || hasRole(user, 'supervisor')),
      supervisor: hasRole(user, 'supervisor'),
      flash: flashOf(req.query as Record<string, unknown>),
    },
    status,
  );
}

function mayComplete(task: TaskRecord, me: string, admin: boolean): boolean {
  return !task.assignee || task.assignee === me || admin;
}
