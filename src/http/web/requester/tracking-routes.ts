import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { addRequesterReply, type RequesterReplyResult } from '../../../app/requester-reply.js';
import type { GrantedLink } from '../../../app/requester-links.js';
import { acceptBody, requesterActor, type AttachmentRef } from '../../../domain/conversation.js';
import { isAppError } from '../../../domain/errors.js';
import { sendAttachment } from '../conversation/attachment-download.js';
import { multipartForm, uploadedFiles, type UploadedFile } from '../core/uploads.js';
import type { RenderPage } from '../page.js';
import type { RequesterWebDeps } from './requester-deps.js';
import { langQuery, openLink, pageLanguage, requesterHeaders, tooMany } from './requester-http.js';
import { trackingModel } from './tracking-model.js';

/**
 * The requester's tracking page (no login; the link is the key to exactly one ticket):
 * `GET /r/:token` (status, expected dates, public history and files, a form to add information),
 * `POST /r/:token` (adds a `conversation.requester` entry with public files and resumes a procedure
 * waiting for the requester) and `GET /r/:token/files/:id` (a public file of that ticket).
 */
export function trackingRoutes(
  deps: RequesterWebDeps,
  renderPage: RenderPage,
  activityNames: (definitionId: string) => Promise<(activityId: string) => string>,
): Router {
  const router = Router();
  router.use(['/r', '/s', '/track'], requesterHeaders);

  async function show(
    req: Request,
    res: Response,
    link: GrantedLink,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const head = await deps.log.load(link.instanceId);
    const version = await deps.definitions.byId(head.definitionId);
    pageLanguage(
      req,
      res,
      await deps.links.languageFor(head.variables, link.email, version.catalog.language),
    );
    const model = await trackingModel(deps.log, head, version, await activityNames(head.definitionId));
    renderPage(
      res,
      'requester/tracking',
      { title: 'requester.tracking.title' },
      {
        ...model,
        csrf: deps.links.csrfFor(link.token),
        formUrl: `/r/${link.token}${langQuery(req)}`,
        filesUrl: `/r/${link.token}/files/`,
        idempotencyKey: randomUUID(),
        added: req.query.added === '1',
        resumed: req.query.resumed === '1',
        ...extra,
      },
      status,
    );
  }

  router.get('/r/:token', async (req, res) => {
    const link = await openLink(deps, renderPage, req, res, 'track');
    if (link) await show(req, res, link);
  });

  router.post('/r/:token', async (req, res) => {
    const link = await openLink(deps, renderPage, req, res, 'track');
    if (!link) return;
    // Per link, before a byte of the body is read: a leaked link cannot flood the ticket.
    const verdict = await deps.lookup.admitPost(link.id);
    if (!verdict.allowed) {
      tooMany(renderPage, req, res, verdict.retryAfterSeconds);
      return;
    }
    await readForm(deps, req, res, link);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const text = typeof body.body === 'string' ? body.body : '';
    try {
      acceptBody(text); // checked before any file is stored: a refusal leaves nothing behind
      const key = typeof body._idempotencyKey === 'string' ? body._idempotencyKey.slice(0, 200) : undefined;
      const result = await addWithFiles(deps, link, text, uploadedFiles(req), key || undefined);
      const lang = langQuery(req).replace('?', '&');
      res.redirect(303, `/r/${link.token}?added=1${result.resumed ? '&resumed=1' : ''}${lang}`);
    } catch (error) {
      if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') throw error;
      await show(req, res, link, { errors: error.details, bodyText: text }, 422);
    }
  });

  router.get('/r/:token/files/:attachmentId', async (req, res) => {
    const link = await openLink(deps, renderPage, req, res, 'track');
    if (!link) return;
    const file = await deps.attachments.open(String(req.params.attachmentId), {
      requesterOf: link.instanceId,
    });
    sendAttachment(res, file.meta, file.bytes);
  });

  return router;
}

/**
 * Stores the files, then adds the entry; when a file or the entry is refused, the files stored for
 * this post are discarded (as are new files of an idempotent replay, which keeps its first entry).
 */
async function addWithFiles(
  deps: RequesterWebDeps,
  link: GrantedLink,
  text: string,
  files: readonly UploadedFile[],
  key: string | undefined,
): Promise<RequesterReplyResult> {
  const actor = requesterActor(link.email);
  const stored: AttachmentRef[] = [];
  try {
    for (const file of files)
      stored.push(
        await deps.attachments.store({
          instanceId: link.instanceId,
          fileName: file.fileName,
          bytes: file.bytes,
          visibility: 'public',
          uploadedBy: actor.id,
        }),
      );
    const result = await addRequesterReply(
      deps,
      link.instanceId,
      { body: text, attachments: stored, via: 'web' },
      actor,
      key,
    );
    const kept = new Set(result.entry.attachments.map((ref) => ref.id));
    await deps.attachments.discard(stored.filter((ref) => !kept.has(ref.id)).map((ref) => ref.id));
    return result;
  } catch (error) {
    await deps.attachments.discard(stored.map((ref) => ref.id));
    throw error;
  }
}

/** Parses the multipart form (H1's limits), refusing it unless its `_csrf` is the link's. */
function readForm(deps: RequesterWebDeps, req: Request, res: Response, link: GrantedLink): Promise<void> {
  const { maxBytes, maxFiles } = deps.attachments.limits;
  const parse = multipartForm({ maxFileBytes: maxBytes, maxFiles }, () => deps.links.csrfFor(link.token));
  return new Promise((resolve, reject) =>
    parse(req, res, (error?: unknown) => (error ? reject(error as Error) : resolve())),
  );
}
