import { readFile } from 'node:fs/promises';
import { AppError } from '../../domain/errors.js';
import { isDomainName, mailPolicy, normaliseDomain, type MailPolicy } from '../../domain/mail-policy.js';
import type { RecipientDirectory } from '../../app/notification-ports.js';
import { isGroupId, type DirectoryGroup } from '../../domain/directory.js';
import { isEmailAddress } from '../../app/recipient-resolver.js';

/**
 * Group mailboxes from a JSON file `{ "groups": { "<group id>": ["address", …] } }`
 * (`config/directory.json`), read once at startup. A missing file is an empty directory.
 * An optional `"allowedDomains": ["issste.gob.mx"]` lists domains mail may go to besides the
 * directory's own addresses (docs/adr/0012-linear-regex-and-mail-policy.md).
 * A group may also be `{ "name": "Matriz MCS · nivel 2", "addresses": [...] }`. Since
 * docs/adr/0021 the file only seeds the database directory on the first start.
 */
export class FileRecipientDirectory implements RecipientDirectory {
  private constructor(
    private readonly groups: ReadonlyMap<string, readonly string[]>,
    /** Group names given in the file. */
    private readonly names: ReadonlyMap<string, string> = new Map(),
    /** Lower-case domains the file allows. */
    readonly allowedDomains: readonly string[] = [],
  ) {}

  /** Loads and checks the file; malformed JSON or a bad address throws BAD_REQUEST naming the group. */
  static async load(file: string): Promise<FileRecipientDirectory> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new FileRecipientDirectory(new Map());
      throw error;
    }
    return FileRecipientDirectory.parse(text, file);
  }

  /** Builds a directory from the file's text. */
  static parse(text: string, name = 'directory.json'): FileRecipientDirectory {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw invalid(name, `not valid JSON (${(error as Error).message})`);
    }
    const { groups, allowedDomains = [] } = (json ?? {}) as { groups?: unknown; allowedDomains?: unknown };
    if (typeof groups !== 'object' || groups === null || Array.isArray(groups))
      throw invalid(name, 'needs an object "groups"');
    const byId = new Map<string, readonly string[]>();
    const names = new Map<string, string>();
    for (const [id, entry] of Object.entries(groups)) {
      const named = typeof entry === 'object' && entry !== null && !Array.isArray(entry);
      const addresses: unknown = named ? (entry as { addresses?: unknown }).addresses : entry;
      const label: unknown = named ? (entry as { name?: unknown }).name : undefined;
      if (!Array.isArray(addresses) || !addresses.every((a) => typeof a === 'string' && isEmailAddress(a)))
        throw invalid(name, `group <${id}> must be a list of email addresses`);
      if (label !== undefined && typeof label !== 'string')
        throw invalid(name, `group <${id}>: "name" must be text`);
      byId.set(id, addresses as string[]);
      if (label) names.set(id, label);
    }
    if (
      !Array.isArray(allowedDomains) ||
      !allowedDomains.every((d) => typeof d === 'string' && isDomainName(normaliseDomain(d)))
    )
      throw invalid(name, '"allowedDomains" must be a list of domain names such as "example.org"');
    return new FileRecipientDirectory(byId, names, (allowedDomains as string[]).map(normaliseDomain));
  }

  async addressesOf(groupId: string): Promise<readonly string[] | undefined> {
    return this.groups.get(groupId);
  }

  /**
   * The file's groups, plus an empty group for each of `alsoNamed` the file lacks (e.g. the
   * contacts SLA policies notify; addresses and `requester` are not groups), to seed the
   * database directory.
   */
  seedGroups(alsoNamed: Iterable<string> = []): DirectoryGroup[] {
    const seeded: DirectoryGroup[] = [...this.groups].map(([id, addresses]) => ({
      id,
      addresses: [...addresses],
      ...(this.names.has(id) ? { name: this.names.get(id) } : {}),
    }));
    for (const id of new Set(alsoNamed)) {
      if (!this.groups.has(id) && id !== 'requester' && !id.includes('@') && isGroupId(id))
        seeded.push({ id, addresses: [] });
    }
    return seeded;
  }

  /**
   * The mail policy: every address of the directory, the file's allowed domains plus
   * `extraDomains` (configuration), and at most `maxCc` copies per message.
   */
  mailPolicy(extraDomains: readonly string[] = [], maxCc?: number): MailPolicy {
    return mailPolicy({
      addresses: [...this.groups.values()].flat(),
      domains: [...this.allowedDomains, ...extraDomains],
      ...(maxCc === undefined ? {} : { maxCc }),
    });
  }
}

function invalid(file: string, message: string): AppError {
  return new AppError('BAD_REQUEST', `recipient directory ${file}: ${message}`, [
    { path: file, reason: 'directory', message },
  ]);
}
