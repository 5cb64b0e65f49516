/**
 * Which start-form fields hold which requester data (declarative; docs/adr/0030). The keys are
 * those of the seed intake forms (`forms/*-intake.form`) plus the requester email keys of the mail
 * policy, so a lookup fills whatever of them the form has and a started ticket is matched back.
 */
import { REQUESTER_EMAIL_KEYS } from './mail-policy.js';
import { normalizeEmail, normalizePhone, type RequesterInput } from './requester.js';

/** Requester data → the form keys that receive it, in order of preference. */
export const REQUESTER_FORM_FIELDS = {
  name: ['requesterName'],
  email: [...REQUESTER_EMAIL_KEYS],
  phone: ['requesterPhone', 'phone'],
  /** The first identifier's value (e.g. the Tuscan GP's regional code). */
  identifier: ['requesterId'],
  establishment: ['medicalUnit'],
} as const satisfies Record<string, readonly string[]>;

/** The start variable that says how the request arrived (`phone` for a screen-pop). */
export const CHANNEL_FIELD = 'channel';

/** Values for every mapped form key (the page fills those its form has). */
export function formFill(requester: RequesterInput): Record<string, string> {
  const fill: Record<string, string> = {};
  const put = (keys: readonly string[], value: string | undefined) => {
    if (value) for (const key of keys) fill[key] = value;
  };
  put(REQUESTER_FORM_FIELDS.name, requester.name);
  put(REQUESTER_FORM_FIELDS.email, requester.emails[0]);
  put(REQUESTER_FORM_FIELDS.phone, requester.phones[0] ? `+${requester.phones[0]}` : undefined);
  put(REQUESTER_FORM_FIELDS.identifier, requester.identifiers[0]?.value);
  put(REQUESTER_FORM_FIELDS.establishment, requester.establishment);
  return fill;
}

/** The requester a ticket's start variables describe (normalised), as far as they say. */
export interface TicketRequester {
  readonly name?: string;
  readonly email?: string;
  readonly phone?: string;
  readonly establishment?: string;
}

/** Reads the mapped keys of the start variables; invalid emails or phones are left out. */
export function requesterOfVariables(variables: Readonly<Record<string, unknown>>): TicketRequester {
  const first = (keys: readonly string[]) => {
    for (const key of keys) {
      const value = variables[key];
      if (typeof value === 'string' && value.trim()) return value.trim().slice(0, 254);
    }
    return undefined;
  };
  const name = first(REQUESTER_FORM_FIELDS.name)?.slice(0, 200);
  const emailText = first(REQUESTER_FORM_FIELDS.email);
  const phoneText = first(REQUESTER_FORM_FIELDS.phone);
  const email = emailText ? normalizeEmail(emailText) : undefined;
  const phone = phoneText ? normalizePhone(phoneText) : undefined;
  const establishment = first(REQUESTER_FORM_FIELDS.establishment)?.slice(0, 200);
  return {
    ...(name ? { name } : {}),
    ...(email ? { email } : {}),
    ...(phone ? { phone } : {}),
    ...(establishment ? { establishment } : {}),
  };
}
