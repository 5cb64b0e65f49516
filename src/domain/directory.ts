/**
 * Group mailboxes of the escalation matrices (docs/adr/0021-seed-fidelity.md): which addresses a
 * directory group (a lane id or an escalation level's contact list) is mailed at. Pure rules.
 */
import type { FieldIssue } from './errors.js';

/** One directory group: its id (as SLA policies and send tasks name it) and its addresses. */
export interface DirectoryGroup {
  readonly id: string;
  /** What the group is, e.g. "Matriz de escalación MCS · nivel 2". */
  readonly name?: string;
  readonly addresses: readonly string[];
  readonly updatedAt?: Date;
  readonly updatedBy?: string;
}

/** One edit of a group, as the audit keeps it. */
export interface DirectoryChange {
  readonly groupId: string;
  readonly at: Date;
  readonly actor: string;
  readonly before: readonly string[];
  readonly after: readonly string[];
}

/** Most addresses one group may hold. */
export const MAX_GROUP_ADDRESSES = 50;
const GROUP_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const ADDRESS = /^[^\s@,;<>"()[\]\\]+@[^\s@,;<>"()[\]\\.]+(\.[^\s@,;<>"()[\]\\.]+)+$/;

/** True for a group id such as `cita-mcs-level-2` (letters, digits, `.`, `_`, `-`). */
export function isGroupId(id: string): boolean {
  return GROUP_ID.test(id);
}

/** True for one plain `local@domain.tld` address of at most 254 characters. */
export function isDirectoryAddress(address: string): boolean {
  return address.length <= 254 && ADDRESS.test(address);
}

/**
 * Reads the addresses an admin typed (one per line, or separated by commas or semicolons):
 * trimmed, lower-cased, duplicates dropped. Every bad address is an issue on `path`.
 */
export function parseAddressList(
  text: string,
  path = 'addresses',
): { addresses: string[]; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  if (text.length > MAX_GROUP_ADDRESSES * 256)
    return {
      addresses: [],
      issues: [{ path, reason: 'maxLength', message: 'the list of addresses is too long' }],
    };
  const items = text
    .split(/[\n\r,;]+/)
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);
  const addresses = [...new Set(items)];
  for (const address of addresses) {
    if (!isDirectoryAddress(address))
      issues.push({
        path,
        reason: 'email',
        message: `"${address.slice(0, 80)}" is not an email address like name@example.org`,
      });
  }
  if (addresses.length > MAX_GROUP_ADDRESSES)
    issues.push({
      path,
      reason: 'maxItems',
      message: `a group holds at most ${MAX_GROUP_ADDRESSES} addresses`,
    });
  return { addresses, issues };
}
