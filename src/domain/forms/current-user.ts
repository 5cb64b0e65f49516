import type { DataShape, FormField } from './form-schema.js';
import { isRecord as isData } from './data-path.js';

/**
 * Fields filled with who is logged in (docs/adr/0021-seed-fidelity.md), switched on per field by a
 * form-js custom property: `"properties": { "prefill": "currentUser" }`. The web form opens with the
 * user's name and id; a submission that leaves the field empty gets the acting user's id on the
 * server. The field stays editable unless the form makes it readonly.
 */
export const PREFILL_PROPERTY = 'prefill';
export const PREFILL_CURRENT_USER = 'currentUser';

type Data = Record<string, unknown>;

/** True when the field asks to be filled with the logged-in user. */
export function prefillsCurrentUser(field: FormField): boolean {
  return field.properties?.[PREFILL_PROPERTY] === PREFILL_CURRENT_USER;
}

/**
 * A copy of `data` where every editable current-user field that is absent or blank holds
 * `user`; nested objects (group paths) are filled too, dynamic lists are not.
 */
export function fillCurrentUser(shape: DataShape, data: Readonly<Data>, user: string): Data {
  const filled: Data = { ...data };
  for (const [name, node] of shape) {
    const value = Object.hasOwn(data, name) ? data[name] : undefined;
    if (node.kind === 'field') {
      const { field } = node;
      const blank =
        value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
      if (blank && prefillsCurrentUser(field) && !field.readonly && !field.disabled) filled[name] = user;
    } else if (node.kind === 'object' && (value === undefined || isData(value))) {
      const nested = fillCurrentUser(node.children, value ?? {}, user);
      if (Object.keys(nested).length > 0) filled[name] = nested;
    }
  }
  return filled;
}
