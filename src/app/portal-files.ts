/**
 * Files on the public portal's start form (docs/adr/0026, 0032): stored at submission under the id
 * the ticket will get when its requester confirms (the confirmation's idempotency key is derived
 * from the pending request, and the requester's actor id from the email), so confirming opens the
 * ticket with them attached. A refused submission deletes what it stored; an expired request's
 * files go in the background sweep.
 */
import { requesterActor } from '../domain/conversation.js';
import { AppError } from '../domain/errors.js';
import type { FormSchema } from '../domain/forms/index.js';
import { REQUESTER_EMAIL_KEYS } from '../domain/mail-policy.js';
import { portalIdempotencyKey } from '../domain/portal.js';
import type { FormFiles, PostedFile } from './form-files.js';
import { instanceIdForKey } from './idempotency.js';
import type { PortalRequestStore } from './portal-ports.js';

/** Requests whose link expired this long ago lose their files (a confirmation in flight finishes first). */
const PORTAL_FILES_GRACE_MS = 3_600_000;
/** Requests per sweep batch, and batches per sweep. */
const BATCH = 100;
const MAX_BATCHES = 20;

/** The submission with its files' references and what was stored. */
export interface PortalAttached {
  readonly data: unknown;
  readonly stored: readonly string[];
}

/** The bytes of the posted files: what the MB limits charge, before anything is stored. */
export function postedBytes(posted: readonly PostedFile[]): number {
  return posted.reduce((sum, file) => sum + file.bytes.length, 0);
}

/**
 * VALIDATION_FAILED when files were stored under the typed email's ticket but the validated
 * email is another requester.
 */
export function checkFilesOwner(attached: PortalAttached, email: string, typed: string): void {
  if (attached.stored.length > 0 && requesterActor(email).id !== requesterActor(typed).id) {
    throw new AppError('VALIDATION_FAILED', 'the requester email is not valid', [
      { path: REQUESTER_EMAIL_KEYS[0], reason: 'invalid', message: 'the requester email is not valid' },
    ]);
  }
}

/** The instance id a confirmed request opens: the one `startFromPortal` derives from its key. */
export function portalInstanceId(requestId: string, email: string): string {
  return instanceIdForKey(requesterActor(email).id, portalIdempotencyKey(requestId));
}

/** Stores and sweeps the files of portal requests. */
export class PortalFiles {
  constructor(
    private readonly files: FormFiles | undefined,
    private readonly requests: PortalRequestStore,
    /** Whether a ticket exists (a confirmation that stopped before marking its request opened). */
    private readonly ticketExists: (instanceId: string) => Promise<boolean> = async () => false,
  ) {}

  /** Parser limits of a portal post with files, or undefined when the server takes no files. */
  get limits() {
    return this.files ? { ...this.files.limits, maxFields: 200 } : undefined;
  }

  /**
   * Stores `posted` for the form's `filepicker` fields under the future ticket of request
   * `requestId` for `email`; VALIDATION_FAILED naming the field when the server takes no files or
   * a file is refused (then nothing stays stored). Without a usable email nothing is stored: the
   * form is shown again for the email anyway, and files must be picked again.
   */
  async attach(
    schema: FormSchema | undefined,
    posted: readonly PostedFile[],
    data: unknown,
    requestId: string,
    email: string | undefined,
  ): Promise<PortalAttached> {
    if (posted.length === 0 || !email || typeof data !== 'object' || data === null)
      return { data, stored: [] };
    if (!this.files) {
      const path = posted[0]?.field ?? 'files';
      throw new AppError('VALIDATION_FAILED', 'this server does not accept files', [
        { path, reason: 'unsupported', message: `"${path}": this server does not accept files` },
      ]);
    }
    const instanceId = portalInstanceId(requestId, email);
    const owner = { instanceId, uploadedBy: requesterActor(email).id, opening: true };
    const attached = await this.files.attach(schema, posted, data as Record<string, unknown>, owner);
    return { data: attached.data, stored: attached.stored };
  }

  /** Deletes files of a refused submission (best effort). */
  discard(ids: readonly string[]): Promise<void> {
    return this.files && ids.length > 0 ? this.files.discard(ids) : Promise.resolve();
  }

  /**
   * Deletes the files of requests that expired unconfirmed; returns how many requests lost theirs.
   * Files whose ticket exists (opened, but the request not marked) are the ticket's: kept.
   */
  async sweep(now: Date): Promise<number> {
    const before = new Date(now.getTime() - PORTAL_FILES_GRACE_MS);
    let swept = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const found = await this.requests.pendingFiles(before, BATCH);
      for (const request of found) {
        if (!(await this.ticketExists(portalInstanceId(request.id, request.email))))
          await this.discard(request.fileIds.slice(0, 50));
        await this.requests.filesDropped(request.id);
      }
      swept += found.length;
      if (found.length < BATCH) break;
    }
    return swept;
  }
}
