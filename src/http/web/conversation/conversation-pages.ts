import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { AttachmentService } from '../../../app/attachment-service.js';
import type { ConversationService } from '../../../app/conversation-service.js';
import { hasRole } from '../../../domain/actor.js';
import type { AttachmentRef } from '../../../domain/conversation.js';
import { acceptBody } from '../../../domain/conversation.js';
import { AppError, isAppError, type FieldIssue } from '../../../domain/errors.js';
import { formIdempotencyKey } from '../agent/idempotency-field.js';
import { safeNextPath } from '../core/safe-next.js';
import { sessionCsrfOf } from '../core/session-middleware.js';
import { multipartForm, uploadedFiles } from '../core/uploads.js';
import { webUser, type PageKit } from '../page.js';
import { sendAttachment } from './attachment-download.js';
import { entryViews } from './conversation-view.js';

/** What the conversation pages need (absent from the web deps: no conversation pages). */
export interface ConversationWebDeps {
  readonly conversations: ConversationService;
  readonly attachments: AttachmentService;
}

/** Staff download URL of an attachment. */
export function attachmentUrl(attachmentId: string): string {
  return `/attachments/${encodeURIComponent(attachmentId)}`;
}

/** The conversation page of a ticket (what the task and instance pages embed). */
export function conversationUrl(instanceId: string): string {
  return `/tickets/${encodeURIComponent(instanceId)}/conversation`;
}

/**
 * Staff conversation pages (docs/adr/0024): `GET /tickets/:id/conversation` (entries and the
 * reply / note form; the task and instance pages embed it), `POST` of that form as multipart with
 * files, and `GET /attachments/:id` downloads. Mounted before the web core's CSRF check: the
 * multipart parser verifies the token itself (header, or the `_csrf` field before any file).
 */
export function conversationPages(deps: ConversationWebDeps, kit: PageKit): Router {
  const router = Router();
  const guard = kit.requirePageRole('agent', 'supervisor');
  const limits = {
    maxFileBytes: deps.attachments.limits.maxBytes,
    maxFiles: deps.attachments.limits.maxFiles,
  };

  router.get('/tickets/:instanceId/conversation', guard, (req, res) => show(deps, kit, req, res, {}));

  const parse = multipartForm(limits, sessionCsrfOf);
  router.post('/tickets/:instanceId/conversation', guard, async (req, res) => {
    const instanceId = String(req.params.instanceId);
    // A refused upload (too large, too many files) shows the form again with the field named.
    const parsed = await new Promise<unknown>((resolve) => void parse(req, res, resolve));
    if (parsed !== undefined && !isValidation(parsed)) throw parsed;
    const form = (parsed === undefined ? req.body : {}) as Record<string, string | undefined>;
    try {
      if (parsed !== undefined) throw parsed;
      await addEntry(deps, req, instanceId, form);
    } catch (error) {
      if (!isValidation(error)) throw error;
      const issues = error.details.length
        ? error.details
        : [{ path: '', reason: 'invalid', message: error.message }];
      return show(deps, kit, req, res, { issues, form }, 422);
    }
    const back = safeNextPath(form.back) ?? conversationUrl(instanceId);
    res.redirect(303, `${back.split('#')[0]}#conversation-panel`);
  });

  router.get('/attachments/:attachmentId', guard, async (req, res) => {
    const { meta, bytes } = await deps.attachments.open(String(req.params.attachmentId), webUser(req));
    sendAttachment(res, meta, bytes);
  });

  return router;
}

function isValidation(error: unknown): error is AppError {
  return isAppError(error) && error.code === 'VALIDATION_FAILED';
}

/** Checks access and the message, stores the files, then commits the entry. */
async function addEntry(
  deps: ConversationWebDeps,
  req: Request,
  instanceId: string,
  form: Record<string, string | undefined>,
): Promise<void> {
  const user = webUser(req);
  const kind = form.kind === 'note' ? 'note' : form.kind === 'reply' ? 'reply' : undefined;
  if (!kind) {
    throw new AppError('VALIDATION_FAILED', 'field <kind>: choose a public reply or an internal note', [
      { path: 'kind', reason: 'required', message: 'choose a public reply or an internal note' },
    ]);
  }
  const idempotencyKey = formIdempotencyKey(form);
  await deps.conversations.assertStaff(instanceId, user);
  acceptBody(form.body); // refuse a bad message before storing any file
  const attachments: AttachmentRef[] = [];
  for (const file of uploadedFiles(req)) {
    attachments.push(
      await deps.attachments.store({
        instanceId,
        fileName: file.fileName,
        bytes: file.bytes,
        visibility: kind === 'note' ? 'internal' : 'public',
        uploadedBy: user.id,
      }),
    );
  }
  const input = { kind, body: form.body ?? '', attachments, via: 'web' } as const;
  await deps.conversations.add(instanceId, input, user, idempotencyKey);
}

interface Shown {
  readonly issues?: readonly FieldIssue[];
  readonly form?: Record<string, string | undefined>;
}

async function show(
  deps: ConversationWebDeps,
  kit: PageKit,
  req: Request,
  res: Response,
  shown: Shown,
  status = 200,
): Promise<void> {
  const user = webUser(req);
  const instanceId = String(req.params.instanceId);
  const head = await deps.conversations.assertStaff(instanceId, user);
  const entries = await deps.conversations.list(instanceId, 'staff');
  const back = safeNextPath(shown.form?.back ?? req.query.back);
  const form = shown.form ?? {};
  kit.renderPage(
    res,
    'conversation/ticket',
    { title: 'conversation.title', nav: hasRole(user, 'supervisor') ? 'instances' : 'inbox' },
    {
      ticket: { id: head.id, businessKey: head.businessKey, status: head.status },
      entries: entryViews(entries, attachmentUrl),
      action: conversationUrl(instanceId),
      back: back ?? '',
      instanceUrl: hasRole(user, 'supervisor')
        ? `/supervisor/instances/${encodeURIComponent(instanceId)}`
        : '',
      issues: shown.issues ?? [],
      hasErrors: Boolean(shown.issues?.length),
      body: form.body ?? '',
      noteChosen: form.kind === 'note',
      idempotencyKey: form._idempotencyKey || randomUUID(),
      maxFiles: deps.attachments.limits.maxFiles,
      maxMb: Math.round(deps.attachments.limits.maxBytes / 1024 / 1024),
    },
    status,
  );
}
