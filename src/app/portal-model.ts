/** What the public portal's intake takes and answers (docs/adr/0026). */
import type { FormSchema } from '../domain/forms/index.js';
import { REQUESTER_EMAIL_KEYS } from '../domain/mail-policy.js';
import type { PortalRequest } from '../domain/portal.js';
import type { ProcedureVersion } from '../domain/procedure.js';
import type { PostedFile } from './form-files.js';

/** A procedure open on the portal. */
export interface PublicProcedure {
  readonly procedureId: string;
  readonly name: string;
  readonly language: string;
  /** The requester-facing form (`portalForm`). */
  readonly formKey: string;
}

/** What a submission came to: a mail was sent (or a bot was told so), or a limit was hit. */
export type PortalSubmitOutcome =
  | { readonly outcome: 'sent'; readonly maskedEmail: string }
  | { readonly outcome: 'throttled'; readonly retryAfterSeconds: number };

/** One submission of a portal form. */
export interface PortalSubmission {
  readonly procedureId: string;
  /** The form data as the form renderer made it (validated here). */
  readonly data: unknown;
  /** The client address, already reduced to a throttle key. */
  readonly address: string;
  /** The requester's page language (es/it/en). */
  readonly language: string;
  /** The honeypot field: a person leaves it empty. */
  readonly honeypot?: string;
  /** Files posted for the form's `filepicker` fields (docs/adr/0032), with the form's schema. */
  readonly files?: readonly PostedFile[];
  readonly schema?: FormSchema;
}

/** A request looked up by its token, with what the confirmation page shows. */
export interface PortalLookup {
  readonly request: PortalRequest;
  readonly procedureName: string;
  readonly maskedEmail: string;
}

/** The procedure as the portal shows it, or undefined when it has no `portalForm`. */
export function publicProcedure(version: ProcedureVersion): PublicProcedure | undefined {
  const { catalog } = version;
  if (!catalog.portalForm) return undefined;
  return {
    procedureId: catalog.procedureId,
    name: catalog.name || catalog.procedureId,
    language: catalog.language,
    formKey: catalog.portalForm,
  };
}

/** The requester's address in form data: the first non-empty requester email key. */
export function emailIn(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const values = data as Record<string, unknown>;
  for (const key of REQUESTER_EMAIL_KEYS) {
    const value = values[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim().slice(0, 254);
  }
  return undefined;
}
