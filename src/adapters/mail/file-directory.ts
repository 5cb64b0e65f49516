import { readFile } from 'node:fs/promises';
import { AppError } from '../../domain/errors.js';
import type { RecipientDirectory } from '../../app/notification-ports.js';
import { isEmailAddress } from '../../app/recipient-resolver.js';

/**
 * Group mailboxes from a JSON file `{ "groups": { "<group id>": ["address", …] } }`
 * (`config/directory.json`), read once at startup. A missing file is an empty directory.
 */
export class FileRecipientDirectory implements RecipientDirectory {
  private constructor(private readonly groups: ReadonlyMap<string, readonly string[]>) {}

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
    const groups = (json as { groups?: unknown } | null)?.groups;
    if (typeof groups !== 'object' || groups === null || Array.isArray(groups))
      throw invalid(name, 'needs an object "groups"');
    const byId = new Map<string, readonly string[]>();
    for (const [id, addresses] of Object.entries(groups)) {
      if (!Array.isArray(addresses) || !addresses.every((a) => typeof a === 'string' && isEmailAddress(a)))
        throw invalid(name, `group <${id}> must be a list of email addresses`);
      byId.set(id, addresses as string[]);
    }
    return new FileRecipientDirectory(byId);
  }

  async addressesOf(groupId: string): Promise<readonly string[] | undefined> {
    return this.groups.get(groupId);
  }
}

function invalid(file: string, message: string): AppError {
  return new AppError('BAD_REQUEST', `recipient directory ${file}: ${message}`, [
    { path: file, reason: 'directory', message },
  ]);
}
