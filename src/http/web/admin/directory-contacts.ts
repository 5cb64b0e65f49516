import type { DirectoryService } from '../../../app/directory-service.js';
import { isGroupId } from '../../../domain/directory.js';
import { placeholderEntries } from '../../../domain/directory-placeholders.js';
import type { FormSchema } from '../../../domain/forms/index.js';
import { fieldEntries } from '../agent/form-values.js';

/**
 * form-js custom property of a field (docs/adr/0021, 2026-11-29): the directory groups whose
 * contacts the task page shows read-only next to the form, e.g. the levels of the escalation
 * matrices the field chooses from (`"cita-issste-level-1 cita-issste-level-2 …"`).
 */
export const DIRECTORY_CONTACTS_PROPERTY = 'directoryContacts';

/** One group as the task page lists it. */
export interface ContactsView {
  readonly id: string;
  readonly name?: string;
  readonly entries: readonly { readonly address: string; readonly placeholder: boolean }[];
}

/**
 * `{ directoryContacts }` for the task page: the groups the form's fields name, read from the
 * directory at page time (so an admin's edit shows at once). Nothing when no field asks.
 */
export async function directoryContactsPanel(
  directory: DirectoryService | undefined,
  schema: FormSchema | undefined,
): Promise<{ directoryContacts?: ContactsView[] }> {
  if (!directory || !schema) return {};
  const ids = fieldEntries(schema.data).flatMap(({ field }) =>
    (field.properties?.[DIRECTORY_CONTACTS_PROPERTY] ?? '').split(/[\s,;]+/).filter(isGroupId),
  );
  if (ids.length === 0) return {};
  const groups = await directory.contacts([...new Set(ids)]);
  return {
    directoryContacts: groups.map((group) => ({
      id: group.id,
      ...(group.name ? { name: group.name } : {}),
      entries: placeholderEntries(group.addresses),
    })),
  };
}
