import { createHash, randomUUID } from 'node:crypto';
import type { Actor } from '../domain/actor.js';
import {
  attachmentLimits,
  checkSize,
  safeFileName,
  type AttachmentLimits,
  type AttachmentRef,
} from '../domain/attachment.js';
import type { Clock } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import { sniffContentType } from './attachment-content.js';
import { assertStaffMaySee } from './conversation-access.js';
import type { InstanceStore, TaskRepository } from './ports.js';

/** A stored file's metadata (`_id` = id): written after all its chunks, so never half visible. */
export interface StoredAttachment extends AttachmentRef {
  readonly instanceId: string;
  readonly uploadedBy: string;
  readonly uploadedAt: Date;
  /** Hex SHA-256 of the content (checked again on read). */
  readonly sha256: string;
}

/** Where file contents live (docs/adr/0024: `_id`-keyed chunks, then the metadata document). */
export interface AttachmentStore {
  /** Writes the chunks, then the metadata; a failure leaves nothing visible. */
  save(meta: StoredAttachment, bytes: Buffer): Promise<void>;
  /** The metadata by `_id`, or null. */
  describe(id: string): Promise<StoredAttachment | null>;
  /** The content, read chunk by chunk by `_id`. */
  read(meta: StoredAttachment): Promise<Buffer>;
  /** Deletes a file (metadata first, so it is invisible at once; then its chunks). */
  remove(id: string): Promise<void>;
}

/** Who downloads: staff (an actor), or the requester of a ticket (authorised by its link). */
export type AttachmentViewer = Actor | { readonly requesterOf: string };

/** What a store request carries. */
export interface AttachmentUpload {
  readonly instanceId: string;
  readonly fileName: string;
  readonly bytes: Buffer;
  readonly visibility: 'public' | 'internal';
  /** Actor id of who uploads (`requester:<email>` for the requester). */
  readonly uploadedBy: string;
}

/** An opened file: its metadata and content. */
export interface OpenedAttachment {
  readonly meta: StoredAttachment;
  readonly bytes: Buffer;
}

/** Collaborators of the attachment use cases. */
export interface AttachmentServiceDeps {
  readonly store: AttachmentStore;
  readonly instances: InstanceStore;
  readonly tasks: TaskRepository;
  readonly clock: Clock;
  readonly limits?: AttachmentLimits;
}

const ID = /^[0-9a-f-]{36}$/;

/** Storing and opening files of tickets (checked by size and content; access as the ticket's). */
export class AttachmentService {
  readonly limits: AttachmentLimits;

  constructor(private readonly deps: AttachmentServiceDeps) {
    this.limits = deps.limits ?? attachmentLimits();
  }

  /**
   * Stores a file of the ticket after checking its size and its type by content; VALIDATION_FAILED
   * naming the file otherwise. The caller has authorised the uploader for the ticket.
   */
  async store(
    upload: AttachmentUpload,
    options: { readonly opening?: boolean } = {},
  ): Promise<AttachmentRef> {
    checkSize(upload.fileName, upload.bytes.length, this.limits);
    const contentType = await sniffContentType(upload.bytes, upload.fileName);
    // A start form's files are stored under the id the ticket is about to get (docs/adr/0032).
    const head = options.opening ? true : await this.deps.instances.loadSummary(upload.instanceId);
    if (!head) throw new AppError('INSTANCE_NOT_FOUND', `instance <${upload.instanceId}> not found`);
    const meta: StoredAttachment = {
      id: randomUUID(),
      name: safeFileName(upload.fileName, contentType),
      size: upload.bytes.length,
      contentType,
      visibility: upload.visibility,
      instanceId: upload.instanceId,
      uploadedBy: upload.uploadedBy,
      uploadedAt: this.deps.clock.now(),
      sha256: createHash('sha256').update(upload.bytes).digest('hex'),
    };
    await this.deps.store.save(meta, upload.bytes);
    return toRef(meta);
  }

  /**
   * Deletes files no committed data refers to (a refused form submission, docs/adr/0032); best
   * effort: a file left behind is unreferenced and only reachable by its random id.
   */
  async discard(ids: readonly string[]): Promise<void> {
    for (const id of ids.slice(0, 50)) {
      if (ID.test(id)) await this.deps.store.remove(id).catch(() => undefined);
    }
  }

  /**
   * Metadata of a stored file, or null (the dispatcher attaches files to emails by it).
   */
  describe(attachmentId: string): Promise<StoredAttachment | null> {
    return ID.test(attachmentId) ? this.deps.store.describe(attachmentId) : Promise.resolve(null);
  }

  /** The content of a described file, its checksum verified. */
  async read(meta: StoredAttachment): Promise<Buffer> {
    const bytes = await this.deps.store.read(meta);
    if (createHash('sha256').update(bytes).digest('hex') !== meta.sha256) {
      throw new Error(`attachment <${meta.id}> is corrupt (checksum mismatch)`);
    }
    return bytes;
  }

  /**
   * The file for a viewer: staff who may see its ticket, or that ticket's requester for a public
   * file. ATTACHMENT_NOT_FOUND otherwise (a requester cannot tell an internal file from none).
   */
  async open(attachmentId: string, viewer: AttachmentViewer): Promise<OpenedAttachment> {
    const meta = ID.test(attachmentId) ? await this.deps.store.describe(attachmentId) : null;
    if (!meta) throw notFound(attachmentId);
    if ('requesterOf' in viewer) {
      if (viewer.requesterOf !== meta.instanceId || meta.visibility !== 'public')
        throw notFound(attachmentId);
    } else {
      const head = await this.deps.instances.loadSummary(meta.instanceId);
      if (!head) throw notFound(attachmentId);
      await assertStaffMaySee(head, viewer, this.deps.tasks);
    }
    const bytes = await this.deps.store.read(meta);
    if (createHash('sha256').update(bytes).digest('hex') !== meta.sha256) {
      throw new Error(`attachment <${attachmentId}> is corrupt (checksum mismatch)`);
    }
    return { meta, bytes };
  }
}

/** The reference an entry or form data keeps. */
export function toRef(meta: StoredAttachment): AttachmentRef {
  const { id, name, size, contentType, visibility } = meta;
  return { id, name, size, contentType, visibility };
}

function notFound(id: string): AppError {
  return new AppError('ATTACHMENT_NOT_FOUND', `attachment <${id}> not found`);
}
