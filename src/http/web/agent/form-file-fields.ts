import type { AttachedFiles, FileOwner } from '../../../app/form-files.js';
import { AppError } from '../../../domain/errors.js';
import { isAttachmentRef, type FormSchema } from '../../../domain/forms/index.js';
import type { AttachmentRef } from '../../../domain/conversation.js';
import type { UploadedFile } from '../core/uploads.js';
import type { WebPageDeps } from '../web-deps.js';

/**
 * Stores the files of a start or task form post for its `filepicker` fields (docs/adr/0032) and
 * returns the submission with their references. Without the form-files service (tests building the
 * web app without attachments) a post with files is refused naming the field.
 */
export async function attachFiles(
  deps: WebPageDeps,
  schema: FormSchema | undefined,
  files: readonly UploadedFile[],
  submission: Record<string, unknown>,
  owner: FileOwner,
): Promise<AttachedFiles> {
  if (files.length === 0) return { data: submission, stored: [] };
  if (!deps.formFiles) {
    const path = files[0]?.field ?? 'files';
    throw new AppError('VALIDATION_FAILED', 'this server does not accept files', [
      { path, reason: 'unsupported', message: `"${path}": this server does not accept files` },
    ]);
  }
  return deps.formFiles.attach(schema, files, submission, owner);
}

/** A file of a ticket's form data, ready to link: its field, name, size and download URL. */
export interface FormFileView {
  readonly field: string;
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly contentType: string;
  readonly visibility: 'public' | 'internal';
  readonly href: string;
  /** The size for people: `820 B`, `12.5 KB`, `3.1 MB`. */
  readonly sizeText: string;
}

/**
 * The files the ticket's variables reference (top-level values, or lists, of AttachmentRefs, as
 * filepicker fields store them), bounded to 50, for the task and instance pages' download links.
 */
export function formFilesOf(variables: unknown): FormFileView[] {
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) return [];
  const views: FormFileView[] = [];
  const seen = new Set<string>();
  for (const [field, value] of Object.entries(variables as Record<string, unknown>).slice(0, 500)) {
    const refs = (Array.isArray(value) ? value.slice(0, 20) : [value]).filter(isAttachmentRef);
    for (const ref of refs as AttachmentRef[]) {
      if (seen.has(ref.id) || views.length >= 50) continue;
      seen.add(ref.id);
      const href = `/attachments/${encodeURIComponent(ref.id)}`;
      views.push({ field, ...ref, href, sizeText: sizeText(ref.size) });
    }
  }
  return views;
}

function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
