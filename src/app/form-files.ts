/**
 * Files posted with a start or task form (docs/adr/0032): each goes to the `filepicker` field it
 * was posted under, is stored by the AttachmentService (size and type by content) with the field's
 * visibility, and its AttachmentRef is put under the field's key in the submission, where the form
 * validator checks it like any value (required, how many, `accept`).
 */
import type { AttachmentRef } from '../domain/conversation.js';
import { AppError, isAppError, type FieldIssue } from '../domain/errors.js';
import {
  acceptsFile,
  fileVisibility,
  maxFilesOf,
  type DataShape,
  type FormField,
  type FormSchema,
} from '../domain/forms/index.js';
import type { AttachmentService } from './attachment-service.js';
import { setPath } from '../domain/forms/data-path.js';

/** One file of a form post (what the multipart parser kept). */
export interface PostedFile {
  /** The form field (data path) it was posted under. */
  readonly field: string;
  /** The name the browser sent (made safe when stored). */
  readonly fileName: string;
  readonly bytes: Buffer;
}

/** Whose files they are: the ticket (or the id a start is about to give it) and the uploader. */
export interface FileOwner {
  readonly instanceId: string;
  readonly uploadedBy: string;
  /** A start form: the ticket does not exist yet; its id is the one the start will use. */
  readonly opening?: boolean;
}

/** The submission with the files' references, and the ids stored (to discard on refusal). */
export interface AttachedFiles {
  readonly data: Record<string, unknown>;
  readonly stored: readonly string[];
}

/** Stores a form's files and puts their references into its data. */
export class FormFiles {
  constructor(private readonly attachments: AttachmentService) {}

  /** Largest file and most files of one post (the multipart parser's limits). */
  get limits() {
    const { maxBytes, maxFiles } = this.attachments.limits;
    // Task forms can be long (checklists): more fields than a conversation post, repeated ones kept.
    return { maxFileBytes: maxBytes, maxFiles, maxFields: 500, repeatedFields: 'list' as const };
  }

  /**
   * Stores `files` for the `filepicker` fields of `schema` and returns `submission` with each
   * field's references under its path. VALIDATION_FAILED naming the field (and the file) for a
   * file posted under another field, too many files, a type refused by content or by `accept`;
   * then nothing stays stored.
   */
  async attach(
    schema: FormSchema | undefined,
    files: readonly PostedFile[],
    submission: Record<string, unknown>,
    owner: FileOwner,
  ): Promise<AttachedFiles> {
    if (files.length === 0) return { data: submission, stored: [] };
    const pickers = schema ? filePickers(schema.data) : new Map<string, FormField>();
    const issues: FieldIssue[] = [];
    const byField = new Map<string, PostedFile[]>();
    for (const file of files) {
      if (!pickers.has(file.field)) {
        issues.push({ path: file.field, reason: 'unknown-field', message: `"${file.field}" takes no files` });
      } else byField.set(file.field, [...(byField.get(file.field) ?? []), file]);
    }
    const stored: AttachmentRef[] = [];
    const data = structuredClone(submission);
    for (const [path, posted] of byField) {
      const field = pickers.get(path) as FormField;
      const name = `"${field.label || field.key}"`;
      const max = maxFilesOf(field);
      if (posted.length > max) {
        issues.push({
          path,
          reason: 'too-many',
          message: `${name} takes at most ${max} file${max === 1 ? '' : 's'}`,
        });
        continue;
      }
      const refs = await this.storeAll(field, path, posted, owner, stored, issues);
      setPath(data, path, refs);
    }
    if (issues.length > 0) {
      await this.discard(stored.map((ref) => ref.id));
      throw new AppError(
        'VALIDATION_FAILED',
        `form files: ${issues.map((i) => i.message).join('; ')}`,
        issues,
      );
    }
    return { data, stored: stored.map((ref) => ref.id) };
  }

  /** Deletes files of a refused submission (best effort). */
  discard(ids: readonly string[]): Promise<void> {
    return ids.length > 0 ? this.attachments.discard(ids) : Promise.resolve();
  }

  private async storeAll(
    field: FormField,
    path: string,
    posted: readonly PostedFile[],
    owner: FileOwner,
    stored: AttachmentRef[],
    issues: FieldIssue[],
  ): Promise<AttachmentRef[]> {
    const refs: AttachmentRef[] = [];
    for (const file of posted) {
      try {
        const upload = {
          ...owner,
          fileName: file.fileName,
          bytes: file.bytes,
          visibility: fileVisibility(field),
        };
        const ref = await this.attachments.store(upload, { opening: owner.opening === true });
        stored.push(ref);
        if (!acceptsFile(field.accept, ref.contentType, ref.name)) {
          const message = `${file.fileName}: ${ref.contentType} is not one of ${field.accept ?? ''}`;
          issues.push({ path, reason: 'accept', message });
        } else refs.push(ref);
      } catch (error) {
        if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') throw error;
        // The service names the file; the page shows it at the field it came in.
        const reason = `file-${error.details[0]?.reason ?? 'invalid'}`;
        issues.push({ path, reason, message: error.details[0]?.message ?? error.message });
      }
    }
    return refs;
  }
}

/** The `filepicker` fields of a form by data path (`key`, `group.key`). */
export function filePickers(shape: DataShape, prefix = ''): Map<string, FormField> {
  const found = new Map<string, FormField>();
  for (const [name, node] of shape) {
    if (
      node.kind === 'field' &&
      node.field.type === 'filepicker' &&
      !node.field.readonly &&
      !node.field.disabled
    )
      found.set(`${prefix}${name}`, node.field);
    else if (node.kind === 'object')
      for (const [path, field] of filePickers(node.children, `${prefix}${name}.`)) found.set(path, field);
  }
  return found;
}
