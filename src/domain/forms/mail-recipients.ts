import type { FieldIssue } from '../errors.js';
import {
  copyAddresses,
  isAllowedRecipient,
  RECIPIENT_NOT_ALLOWED,
  REQUESTER_CC_KEY,
  TOO_MANY_COPIES,
  type MailPolicy,
} from '../mail-policy.js';
import type { DataShape } from './form-schema.js';

/**
 * The mail policy at form submission: the copy list that mail to the requester carries
 * (the top-level `ccEmails` field, which the recipient resolver reads) may hold at most
 * `maxCc` addresses, each in the directory or in an allowed domain. The requester's own
 * address is not restricted (see docs/adr/0012-linear-regex-and-mail-policy.md).
 * A field already in `reported` is not checked again.
 */
export function checkMailRecipients(
  shape: DataShape,
  values: Readonly<Record<string, unknown>>,
  policy: MailPolicy,
  reported: readonly FieldIssue[] = [],
): FieldIssue[] {
  const node = shape.get(REQUESTER_CC_KEY);
  const value = values[REQUESTER_CC_KEY];
  if (node?.kind !== 'field' || typeof value !== 'string') return [];
  if (reported.some((issue) => issue.path === REQUESTER_CC_KEY)) return [];
  const name = `"${node.field.label || node.field.key}"`;
  const copies = copyAddresses(value);
  if (copies.length > policy.maxCc) {
    return [
      {
        path: REQUESTER_CC_KEY,
        reason: TOO_MANY_COPIES,
        message: `${name} lists ${copies.length} addresses; at most ${policy.maxCc} may be copied`,
      },
    ];
  }
  const outside = copies.filter((address) => !isAllowedRecipient(policy, address));
  if (outside.length === 0) return [];
  const domains = policy.domains.length > 0 ? ` (${policy.domains.join(', ')})` : '';
  return [
    {
      path: REQUESTER_CC_KEY,
      reason: RECIPIENT_NOT_ALLOWED,
      message: `${name} may only copy addresses of the directory or of an allowed domain${domains}, not ${outside.join(', ')}`,
    },
  ];
}
