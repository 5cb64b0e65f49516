/**
 * Who the help desk may email (docs/adr/0012-linear-regex-and-mail-policy.md). Outbound mail goes
 * only to directory addresses, to addresses in allowed domains (or their subdomains), and to the
 * requester's own address captured on the ticket; at most `maxCc` copies per message.
 */
import type { FieldIssue } from './errors.js';
import { resolveTemplate } from './expression/template.js';

/** Instance variables holding the requester's address, in order of preference (start forms use `requesterEmail`). */
export const REQUESTER_EMAIL_KEYS = ['requesterEmail', 'email', 'contactEmail'] as const;
/** Instance variable with addresses copied on mail to the requester (comma or semicolon separated). */
export const REQUESTER_CC_KEY = 'ccEmails';
/** Copies per message when the configuration sets none. */
export const DEFAULT_MAX_CC = 5;
/** Field issue reasons of the policy. */
export const RECIPIENT_NOT_ALLOWED = 'recipient-not-allowed';
export const TOO_MANY_COPIES = 'too-many-copies';

/** The recipients outbound mail may have. */
export interface MailPolicy {
  /** Lower-case addresses of the directory. */
  readonly addresses: ReadonlySet<string>;
  /** Lower-case domains without `@`; their subdomains are allowed too. */
  readonly domains: readonly string[];
  /** Most copies (CC) one message may carry. */
  readonly maxCc: number;
}

/** Builds a policy, normalising case and a leading `@` or `.` on domains. */
export function mailPolicy(input: {
  readonly addresses?: Iterable<string>;
  readonly domains?: Iterable<string>;
  readonly maxCc?: number;
}): MailPolicy {
  const domains = [...(input.domains ?? [])]
    .map((domain) => normaliseDomain(domain))
    .filter((domain) => domain !== '');
  return {
    addresses: new Set([...(input.addresses ?? [])].map((address) => address.trim().toLowerCase())),
    domains: [...new Set(domains)],
    maxCc: input.maxCc ?? DEFAULT_MAX_CC,
  };
}

/** Sends to nobody but the requester and directory groups: what a dispatcher without configuration does. */
export const CLOSED_MAIL_POLICY: MailPolicy = mailPolicy({});

/** `example.org` from ` @Example.ORG `; '' when nothing is left. */
export function normaliseDomain(domain: string): string {
  const text = domain.trim().toLowerCase();
  let start = 0;
  while (start < text.length && (text[start] === '@' || text[start] === '.')) start += 1;
  return text.slice(start);
}

/** A domain name such as `issste.gob.mx`: two or more labels of letters, digits and inner hyphens. */
export function isDomainName(domain: string): boolean {
  const labels = domain.split('.');
  return (
    domain.length <= 253 &&
    labels.length >= 2 &&
    labels.every(
      (label) => /^[A-Za-z0-9-]{1,63}$/.test(label) && !label.startsWith('-') && !label.endsWith('-'),
    )
  );
}

/** True when `address` is in the directory or its domain is allowed (case-insensitive). */
export function isAllowedRecipient(policy: MailPolicy, address: string): boolean {
  const normalised = address.trim().toLowerCase();
  if (policy.addresses.has(normalised)) return true;
  const at = normalised.lastIndexOf('@');
  if (at <= 0) return false;
  const domain = normalised.slice(at + 1);
  return policy.domains.some((allowed) => domain === allowed || domain.endsWith(`.${allowed}`));
}

/** The addresses of a copy list: text split on commas and semicolons, blanks dropped. */
export function copyAddresses(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  return value
    .split(/[,;]/)
    .map((address) => address.trim())
    .filter((address) => address !== '');
}

/**
 * Why copies `cc` break the policy (too many, or one not allowed), or undefined when they do not.
 * The reason starts with `recipient not allowed`, as delivery records it.
 */
export function refusedCopies(policy: MailPolicy, cc: readonly string[]): string | undefined {
  if (cc.length > policy.maxCc)
    return `recipient not allowed: ${cc.length} addresses in copy, at most ${policy.maxCc}`;
  const outside = cc.filter((address) => !isAllowedRecipient(policy, address));
  return outside.length > 0 ? `recipient not allowed: ${outside.join(', ')} (in copy)` : undefined;
}

/**
 * The deploy-time check of a send task's `to` property: a literal address must be allowed.
 * `requester` and group ids pass (groups are checked against the directory elsewhere).
 */
export function sendTaskRecipientIssue(
  policy: MailPolicy,
  elementId: string,
  to: string | undefined,
): FieldIssue | undefined {
  const target = to?.trim() ?? '';
  if (target.includes('${')) return dynamicRecipientIssue(elementId, target);
  if (!target.includes('@') || isAllowedRecipient(policy, target)) return undefined;
  return {
    path: elementId,
    reason: RECIPIENT_NOT_ALLOWED,
    message: `send task <${elementId}> mails <${target}>, which is neither in the directory nor in an allowed domain`,
  };
}

/** A `to` picked by ticket data (`second-level-${escalationTarget}`) must parse and name no address. */
function dynamicRecipientIssue(elementId: string, target: string): FieldIssue | undefined {
  const problem = target.includes('@')
    ? 'a recipient picked by ticket data may only name a directory group, not an address'
    : templateProblem(target);
  if (problem === undefined) return undefined;
  return {
    path: elementId,
    reason: RECIPIENT_NOT_ALLOWED,
    message: `send task <${elementId}> mails <${target}>: ${problem}`,
  };
}

function templateProblem(target: string): string | undefined {
  try {
    resolveTemplate(target, {});
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
