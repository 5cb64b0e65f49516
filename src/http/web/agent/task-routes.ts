import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { hasRole } from '../../../domain/actor.js';
import { candidateGroupsOf } from '../../../domain/sla/camunda-task.js';
import { isAppError, type FieldIssue } from '../../../domain/errors.js';
import type { TaskRecord } from '../../../domain/instance.js';
import { webUser, type PageKit, type WebUser } from '../page.js';
import type { WebPageDeps } from '../web-deps.js';
import { flashOf, flashQuery } from './flash.js';
import { formIdempotencyKey } from './idempotency-field.js';
import { renderForm } from './form-renderer.js';
import { initialValues, submittedValues, toSubmission, type RawValues } from './form-values.js';
import { ticketContext } from './ticket-context.js';
import { attachFiles } from './form-file-fields.js';
import { uploadsOf } from '../core/uploads.js';
import { draftFromCompletion, kbTaskPanel, withChecklistTicks } from '../kb/task-panel.js';
import { procedureFieldLabels } from '../core/field-labels.js';
import { laneName } from '../../../app/inbox-service.js';
import { readableCandidates } from '../core/candidate-names.js';
import { directoryContactsPanel } from '../admin/directory-contacts.js';

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
    const pins = task.formKey ? await pinsOf(deps, task.instanceId, user) : undefined;
    const form = task.formKey ? await deps.inbox.form(task.formKey, pins) : undefined;
    const values = form ? submittedValues(form.schema, req.body) : {};
    // The form's key turns a retry of a completion that went through into a plain success.
    const idempotencyKey = formIdempotencyKey(req.body);
    const upload = uploadsOf(req);
    let stored: readonly string[] = [];
    try {
      if (upload.refused) throw upload.refused;
      const submission = form ? toSubmission(form.schema, values, user) : {};
      // Files of filepicker fields are stored first; their references join the data (docs/adr/0032).
      const owner = { instanceId: task.instanceId, uploadedBy: user.id };
      const attached = await attachFiles(deps, form?.schema, upload.files, submission, owner);
      stored = attached.stored;
      // Ticked checklist items (who, when) go with the completion data (docs/adr/0023).
      const data = withChecklistTicks(deps, task, form?.schema, req.body, user, attached.data);
      await deps.tasks.complete(task.id, data, user, { idempotencyKey });
      await draftFromCompletion(deps, task, req.body, data, user);
    } catch (error) {
      if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') throw error;
      await deps.formFiles?.discard(stored); // a refused completion keeps none of its files
      const issues =
        error.details.length > 0 ? error.details : [{ path: '', reason: 'invalid', message: error.message }];
      return showTask(deps, kit, req, res, { issues, values, idempotencyKey }, 422);
    }
    // The ticket's next task is the agent's own (or offered to their group): go straight to it.
    const next = await nextTaskFor(deps, task, user);
    res.redirect(
      303,
      next
        ? `/tasks/${encodeURIComponent(next.id)}?${flashQuery('completed-next', task.businessKey)}`
        : `/inbox?${flashQuery('completed', task.businessKey)}`,
    );
  });

  return router;
}

interface Submitted {
  readonly issues: readonly FieldIssue[];
  readonly values?: RawValues;
  readonly idempotencyKey?: string | undefined;
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
  const source = task.formKey ? await deps.inbox.form(task.formKey, definition.formVersions) : undefined;
  const open = task.status === 'open';
  const values =
    submitted.values ?? (source ? initialValues(source.schema, view.instance.variables, user) : {});
  const [fields, activityName, [groupLabels = []]] = await Promise.all([
    procedureFieldLabels(deps.inbox, definition.catalog),
    deps.monitoring.activityNames(definition.id),
    // Candidate users (`user:<id>`) by name, not id.
    readableCandidates([task.candidateGroups.map((id) => laneName(definition.catalog, id))], deps.accounts),
  ]);
  kit.renderPage(
    res,
    'agent/task',
    { title: task.name, nav: 'inbox' },
    {
      task: {
        ...task,
        groups: groupLabels.join(', '),
      },
      href: `/tasks/${encodeURIComponent(task.id)}`,
      ticketNumber: view.instance.businessKey,
      procedureName: definition.catalog.name || task.procedureId,
      instance: view.instance,
      context: ticketContext(view, definition.catalog.priority, { fields, activityName }),
      form: open && source ? renderForm(source, values, submitted.issues) : undefined,
      noForm: open && !source,
      open,
      hasErrors: submitted.issues.length > 0,
      idempotencyKey: submitted.idempotencyKey ?? randomUUID(),
      mayComplete: open && mayComplete(task, user.id, hasRole(user, 'admin')) && hasRole(user, 'agent'),
      canClaim: open && !task.assignee && hasRole(user, 'agent'),
      // Completing an unclaimed task takes it (the completion records who did it): the page says so.
      completeTakes: open && !task.assignee && hasRole(user, 'agent'),
      canUnclaim:
        open && Boolean(task.assignee) && (task.assignee === user.id || hasRole(user, 'supervisor')),
      supervisor: hasRole(user, 'supervisor'),
      flash: flashOf(req.query as Record<string, unknown>),
      ...(await deps.requesterPanel?.(view.instance.id, user)),
      ...(await directoryContactsPanel(deps.directory, source?.schema)), // escalation contacts (ADR 0021)
      ...(await kbTaskPanel(deps, {
        task,
        variables: view.instance.variables,
        schema: source?.schema,
        user,
        req,
      })),
    },
    status,
  );
}

/**
 * The open task of the same ticket the user would do next: assigned to them first, else
 * unassigned and offered to one of their groups (or to anyone). None: back to the inbox.
 */
async function nextTaskFor(
  deps: WebPageDeps,
  done: TaskRecord,
  user: WebUser,
): Promise<TaskRecord | undefined> {
  const view = await deps.instances.get(done.instanceId, user).catch(() => undefined);
  const open = (view?.tasks ?? []).filter((task) => task.status === 'open' && task.id !== done.id);
  const offered = (task: TaskRecord) =>
    task.candidateGroups.length === 0 ||
    task.candidateGroups.some((group) => candidateGroupsOf(user).includes(group));
  return (
    open.find((task) => task.assignee === user.id) ?? open.find((task) => !task.assignee && offered(task))
  );
}

function mayComplete(task: TaskRecord, me: string, admin: boolean): boolean {
  return !task.assignee || task.assignee === me || admin;
}

/** The form versions the ticket's procedure version pinned (docs/adr/0028). */
async function pinsOf(deps: WebPageDeps, instanceId: string, user: WebUser) {
  const view = await deps.instances.get(instanceId, user);
  return (await deps.definitions.byId(view.instance.definitionId)).formVersions;
}
