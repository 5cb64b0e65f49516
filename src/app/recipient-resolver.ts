/** Turns an outbox recipient hint (`requester`, a group id, an address) into email addresses. */
import type { RecipientDirectory } from './notification-ports.js';

/** Addresses to send to, or why there are none. */
export type Recipients =
  | { readonly ok: true; readonly to: readonly string[]; readonly cc: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/** Instance variables holding the requester's address, in order of preference (start forms use `requesterEmail`). */
export const REQUESTER_EMAIL_KEYS = ['requesterEmail', 'email', 'contactEmail'] as const;
/** Instance variable with addresses copied on mail to the requester (comma or semicolon separated). */
export const REQUESTER_CC_KEY = 'ccEmails';

const ADDRESS = /^[^\s@,;<>"()[\]\\]+@[^\s@,;<>"()[\]\\]+\.[^\s@,;<>"()[\]\\]+$/;

/** True for a single plain `local@domain.tld` address (no display names, no lists). */
export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && ADDRESS.test(value);
}

/**
 * Resolves the hint: `requester` from the instance variables (plus its copies), an address as
 * itself, anything else as a directory group. Never throws for bad data: it says why instead.
 */
export async function resolveRecipients(
  hint: string | undefined,
  variables: Record<string, unknown>,
  directory: RecipientDirectory,
): Promise<Recipients> {
  const target = hint?.trim();
  if (!target) return { ok: false, reason: 'the message names no recipient' };
  if (target === 'requester') return requester(variables);
  if (target.includes('@')) {
    return isEmailAddress(target)
      ? { ok: true, to: [target], cc: [] }
      : { ok: false, reason: `recipient <${target}> is not a valid email address` };
  }
  const members = await directory.addressesOf(target);
  if (members === undefined)
    return { ok: false, reason: `recipient group <${target}> is not in the directory` };
  if (members.length === 0) return { ok: false, reason: `recipient group <${target}> has no addresses` };
  return { ok: true, to: [...members], cc: [] };
}

function requester(variables: Record<string, unknown>): Recipients {
  const key = REQUESTER_EMAIL_KEYS.find(
    (k) => typeof variables[k] === 'string' && variables[k].trim() !== '',
  );
  if (!key)
    return {
      ok: false,
      reason: `recipient <requester> has no email address (${REQUESTER_EMAIL_KEYS.join(', ')} are empty)`,
    };
  const address = (variables[key] as string).trim();
  if (!isEmailAddress(address))
    return {
      ok: false,
      reason: `recipient <requester> has an invalid email address in ${key}: "${address}"`,
    };
  const copies =
    typeof variables[REQUESTER_CC_KEY] === 'string' ? variables[REQUESTER_CC_KEY].split(/[,;]/) : [];
  const cc = [...new Set(copies.map((c) => c.trim()).filter((c) => isEmailAddress(c) && c !== address))];
  return { ok: true, to: [address], cc };
}
