/**
 * Turns an outbox recipient hint (`requester`, a group id, an address, or a group id picked by the
 * ticket's data such as `second-level-${escalationTarget}`, optionally with fallbacks after `|`
 * such as `second-level-${escalationTarget}|second-level`) into email addresses.
 */
import {
  CLOSED_MAIL_POLICY,
  isAllowedRecipient,
  refusedCopies,
  REQUESTER_CC_KEY,
  REQUESTER_EMAIL_KEYS,
  type MailPolicy,
} from '../domain/mail-policy.js';
import { resolveTemplate } from '../domain/expression/template.js';
import type { RecipientDirectory } from './notification-ports.js';

export { REQUESTER_CC_KEY, REQUESTER_EMAIL_KEYS };

/** Addresses to send to, or why there are none. */
export type Recipients =
  | { readonly ok: true; readonly to: readonly string[]; readonly cc: readonly string[] }
  | { readonly ok: false; readonly reason: string };

const ADDRESS = /^[^\s@,;<>"()[\]\\]+@[^\s@,;<>"()[\]\\]+\.[^\s@,;<>"()[\]\\]+$/;

/** True for a single plain `local@domain.tld` address (no display names, no lists). */
export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && ADDRESS.test(value);
}

/**
 * Resolves the hint: `requester` from the instance variables (plus its copies), an address as
 * itself, anything else as a directory group. Never throws for bad data: it says why instead.
 * `policy` (docs/adr/0012) is applied: the requester's own address and directory groups always
 * pass; a literal address must be allowed, and so must every copy (at most `policy.maxCc`);
 * otherwise the reason starts with `recipient not allowed`. Default: no domain allowed.
 */
export async function resolveRecipients(
  hint: string | undefined,
  variables: Record<string, unknown>,
  directory: RecipientDirectory,
  policy: MailPolicy = CLOSED_MAIL_POLICY,
): Promise<Recipients> {
  const given = hint?.trim();
  if (!given) return { ok: false, reason: 'the message names no recipient' };
  const options = alternatives(given);
  const dynamic =
    options.length > 1
      ? await firstKnownGroup(given, options, variables, directory)
      : given.includes('${')
        ? groupFromTemplate(given, variables)
        : undefined;
  if (dynamic && !dynamic.ok) return dynamic;
  const target = dynamic?.ok ? dynamic.group : given;
  if (target === 'requester') return requester(variables, policy);
  if (target.includes('@')) {
    if (!isEmailAddress(target))
      return { ok: false, reason: `recipient <${target}> is not a valid email address` };
    return isAllowedRecipient(policy, target)
      ? { ok: true, to: [target], cc: [] }
      : { ok: false, reason: `recipient not allowed: ${target}` };
  }
  const members = await directory.addressesOf(target);
  if (members === undefined)
    return { ok: false, reason: `recipient group <${target}> is not in the directory` };
  if (members.length === 0) return { ok: false, reason: `recipient group <${target}> has no addresses` };
  return { ok: true, to: [...members], cc: [] };
}

const GROUP_ID = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/** Most alternatives one hint may list. */
const MAX_ALTERNATIVES = 5;

type GroupChoice = { ok: true; group: string } | { ok: false; reason: string };

/**
 * `second-level-${escalationTarget}|second-level`: the alternatives of a hint, split at `|`
 * outside `${ }` (at most MAX_ALTERNATIVES; the rest is dropped). One item when there is no `|`.
 */
function alternatives(hint: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < hint.length && parts.length < MAX_ALTERNATIVES; i += 1) {
    if (hint.startsWith('${', i)) depth += 1;
    else if (hint[i] === '}' && depth > 0) depth -= 1;
    else if (hint[i] === '|' && depth === 0) {
      parts.push(hint.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (parts.length < MAX_ALTERNATIVES) parts.push(hint.slice(start).trim());
  return parts.filter((part) => part !== '');
}

/**
 * The first alternative that names a group the directory holds with at least one address: a
 * fallback for a matrix picked by ticket data that is not chosen yet (`second-level-` is no group,
 * so `second-level` is used) or whose group was emptied. When the groups named exist but all are
 * empty, the first of them is answered (the caller then says it has no addresses).
 * Alternatives may only name directory groups, never an address or `requester`.
 */
async function firstKnownGroup(
  hint: string,
  options: readonly string[],
  variables: Record<string, unknown>,
  directory: RecipientDirectory,
): Promise<GroupChoice> {
  const tried: string[] = [];
  let firstEmpty: GroupChoice | undefined;
  for (const option of options) {
    const choice: GroupChoice = option.includes('${')
      ? groupFromTemplate(option, variables)
      : GROUP_ID.test(option.toLowerCase()) && option.toLowerCase() !== 'requester'
        ? { ok: true, group: option.toLowerCase() }
        : { ok: false, reason: `"${option.slice(0, 100)}" is not a directory group id` };
    const members = choice.ok ? await directory.addressesOf(choice.group) : undefined;
    if (members?.length) return choice;
    if (members) firstEmpty ??= choice;
    tried.push(choice.ok ? `<${choice.group}> is not in the directory` : choice.reason);
  }
  if (firstEmpty) return firstEmpty;
  return { ok: false, reason: `recipient <${hint}> names no directory group: ${tried.join('; ')}` };
}

/**
 * A hint like `second-level-${escalationTarget}`: the escalation matrix picked by a ticket's data.
 * It may only name a directory group (not an address, not `requester`), so ticket data can never
 * send mail outside the directory.
 */
function groupFromTemplate(hint: string, variables: Record<string, unknown>): GroupChoice {
  let value: unknown;
  try {
    value = resolveTemplate(hint, variables);
  } catch (error) {
    return { ok: false, reason: `recipient <${hint}> cannot be resolved: ${(error as Error).message}` };
  }
  const group = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (GROUP_ID.test(group) && group !== 'requester') return { ok: true, group };
  const shown = JSON.stringify(typeof value === 'string' ? value.slice(0, 100) : (value ?? null));
  return { ok: false, reason: `recipient <${hint}> resolved to ${shown}, which is not a directory group id` };
}

function requester(variables: Record<string, unknown>, policy: MailPolicy): Recipients {
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
  const refused = refusedCopies(policy, cc);
  return refused === undefined ? { ok: true, to: [address], cc } : { ok: false, reason: refused };
}
