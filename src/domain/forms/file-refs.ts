/**
 * Files on forms (docs/adr/0032): a form-js `filepicker` field holds the references of the files
 * stored for it (`AttachmentRef`s). The bytes never travel in the form data: the web layer stores
 * them first and puts the references under the field's key; here they are checked like any value.
 */
import type { AttachmentRef } from '../conversation.js';
import type { FormField } from './form-schema.js';

/** Most files one `filepicker` field with `multiple` keeps (one without keeps one). */
export const MAX_FILES_PER_FIELD = 5;

const ID = /^[0-9a-f-]{36}$/;
const TYPE = /^[a-z]+\/[a-z0-9.+-]+$/;

/** Who may see a field's files: its `visibility` property, `internal` unless it says `public`. */
export function fileVisibility(field: FormField): 'public' | 'internal' {
  return field.properties?.visibility === 'public' ? 'public' : 'internal';
}

/** How many files the field keeps at most. */
export function maxFilesOf(field: FormField): number {
  return field.multiple === true ? MAX_FILES_PER_FIELD : 1;
}

/** True when `value` has the shape of an AttachmentRef (ids and sizes bounded). */
export function isAttachmentRef(value: unknown): value is AttachmentRef {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const ref = value as Record<string, unknown>;
  return (
    typeof ref.id === 'string' &&
    ID.test(ref.id) &&
    typeof ref.name === 'string' &&
    ref.name.length > 0 &&
    ref.name.length <= 200 &&
    typeof ref.size === 'number' &&
    Number.isSafeInteger(ref.size) &&
    ref.size > 0 &&
    typeof ref.contentType === 'string' &&
    TYPE.test(ref.contentType) &&
    (ref.visibility === 'public' || ref.visibility === 'internal')
  );
}

/**
 * True when a file of `contentType` named `name` fits the form-js `accept` list: entries are
 * extensions (`.pdf`), types (`application/pdf`) or type families (`image/*`); no list accepts all.
 */
export function acceptsFile(accept: string | undefined, contentType: string, name: string): boolean {
  const entries = (accept ?? '')
    .split(',')
    .slice(0, 50)
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '');
  if (entries.length === 0) return true;
  const lowerName = name.toLowerCase();
  return entries.some((entry) => {
    if (entry.startsWith('.')) return lowerName.endsWith(entry);
    if (entry.endsWith('/*')) return contentType.startsWith(entry.slice(0, -1));
    return contentType === entry;
  });
}

/** What checking a submitted `filepicker` value found: the references, or one problem. */
export type FileCheck =
  | { readonly value: AttachmentRef[]; readonly problem?: undefined }
  | { readonly problem: { readonly reason: string; readonly message: string } };

/**
 * Checks the references submitted for a `filepicker` field (non-empty: emptiness is the caller's
 * `required` rule): a list of AttachmentRefs with the field's visibility, within its count and
 * `accept` list. Duplicated ids count once.
 */
export function checkFileRefs(field: FormField, value: unknown, name: string): FileCheck {
  const list = Array.isArray(value) ? value : [value];
  if (list.length > MAX_FILES_PER_FIELD * 2 || !list.every(isAttachmentRef))
    return { problem: { reason: 'type', message: `${name} must hold files uploaded with the form` } };
  const refs = [...new Map(list.map((ref) => [ref.id, ref])).values()];
  const max = maxFilesOf(field);
  if (refs.length > max)
    return {
      problem: { reason: 'too-many', message: `${name} takes at most ${max} file${max === 1 ? '' : 's'}` },
    };
  const visibility = fileVisibility(field);
  const wrong = refs.find((ref) => ref.visibility !== visibility);
  if (wrong)
    return {
      problem: { reason: 'visibility', message: `${name}: file <${wrong.name}> is not ${visibility}` },
    };
  const refused = refs.find((ref) => !acceptsFile(field.accept, ref.contentType, ref.name));
  if (refused)
    return {
      problem: {
        reason: 'accept',
        message: `${name}: file <${refused.name}> (${refused.contentType}) is not one of ${field.accept ?? ''}`,
      },
    };
  return {
    value: refs.map(({ id, name: fileName, size, contentType, visibility: v }) => ({
      id,
      name: fileName,
      size,
      contentType,
      visibility: v,
    })),
  };
}
