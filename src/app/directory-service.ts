/**
 * The group mailboxes of the escalation matrices, kept in the database and edited by an admin
 * (docs/adr/0021-seed-fidelity.md). Seeded from config/directory.json and the groups the SLA
 * policies name (groups not stored yet only); read through a cache that an edit invalidates (and
 * that other processes refresh after `refreshMs`).
 */
import type { Actor } from '../domain/actor.js';
import type { Clock } from '../domain/clock.js';
import { placeholderAddresses } from '../domain/directory-placeholders.js';
import { parseAddressList, type DirectoryChange, type DirectoryGroup } from '../domain/directory.js';
import { AppError } from '../domain/errors.js';
import { requireRole } from './authorization.js';
import type { RecipientDirectory } from './notification-ports.js';

/** A stored group with its optimistic-lock version and its recent changes (newest first). */
export interface StoredGroup extends DirectoryGroup {
  readonly version: number;
  readonly changes: readonly DirectoryChange[];
}

/** Where groups live; read by `_id` or as the whole (small) collection. */
export interface DirectoryRepository {
  list(): Promise<StoredGroup[]>;
  get(id: string): Promise<StoredGroup | null>;
  /** Inserts the groups whose ids are not there yet; returns how many were inserted. */
  insertMissing(groups: readonly DirectoryGroup[]): Promise<number>;
  /** Replaces the group if it still has `expectedVersion`; false when someone else saved first. */
  save(group: StoredGroup, expectedVersion: number): Promise<boolean>;
}

/** Collaborators of the directory. */
export interface DirectoryServiceDeps {
  readonly repository: DirectoryRepository;
  readonly clock: Clock;
  /** How long another process's edit may take to be seen here (default 30 s). */
  readonly refreshMs?: number;
}

/** Changes kept per group for the audit shown on the admin page. */
export const KEPT_CHANGES = 50;

/** Most groups one page may ask `contacts` for. */
const MAX_CONTACT_GROUPS = 20;

/** Where the start-up warning goes (a pino logger fits). */
export interface WarningLog {
  warn(data: object, message: string): void;
}

/**
 * Logs one warning when groups still hold placeholder addresses (the shipped seed's), naming
 * them, so an installation does not go live mailing nobody. Returns how many groups it named.
 */
export async function warnPlaceholderContacts(directory: DirectoryService, log: WarningLog): Promise<number> {
  const groups = await directory.placeholderGroups();
  if (groups.length > 0)
    log.warn(
      { groups: groups.map((group) => group.id) },
      `directory: ${groups.length} group(s) still hold placeholder example.org/example.com addresses; replace them under /admin/directory`,
    );
  return groups.length;
}

/** The database directory: a RecipientDirectory for mail, and the admin's use cases. */
export class DirectoryService implements RecipientDirectory {
  /** Every address of the directory, lower-case: the mail policy reads this live set (ADR 0012). */
  readonly addresses = new Set<string>();
  private cache?: { at: number; groups: ReadonlyMap<string, StoredGroup> };
  private loading?: Promise<ReadonlyMap<string, StoredGroup>>;
  /** Bumped by every invalidation, so a load that started before an edit is not cached. */
  private generation = 0;

  constructor(private readonly deps: DirectoryServiceDeps) {}

  /**
   * At start-up: stores each of `groups` (the file's, and an empty group for each contact the SLA
   * policies notify) that the database does not hold yet; a stored group is never overwritten, so
   * what an admin edited stays. Returns how many were added.
   */
  async seed(groups: readonly DirectoryGroup[]): Promise<number> {
    const existing = new Set((await this.deps.repository.list()).map((group) => group.id));
    const missing = groups.filter((group) => !existing.has(group.id));
    const added = missing.length > 0 ? await this.deps.repository.insertMissing(missing) : 0;
    this.invalidate();
    await this.groups();
    return added;
  }

  async addressesOf(groupId: string): Promise<readonly string[] | undefined> {
    return (await this.groups()).get(groupId)?.addresses;
  }

  /**
   * The named groups that exist, in the order asked (at most `MAX_CONTACT_GROUPS`): what the
   * escalation pages show agents about who will be mailed. Unknown ids are left out.
   */
  async contacts(groupIds: readonly string[]): Promise<DirectoryGroup[]> {
    const groups = await this.groups();
    return groupIds.slice(0, MAX_CONTACT_GROUPS).flatMap((id) => {
      const group = groups.get(id);
      return group ? [{ id, addresses: group.addresses, ...(group.name ? { name: group.name } : {}) }] : [];
    });
  }

  /** The groups that still hold placeholder (example.org/.com/.net) addresses, with those addresses. */
  async placeholderGroups(): Promise<{ id: string; addresses: string[] }[]> {
    return [...(await this.groups()).values()]
      .map((group) => ({ id: group.id, addresses: placeholderAddresses(group.addresses) }))
      .filter((group) => group.addresses.length > 0)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Every group, by id (admin). */
  async list(actor: Actor): Promise<StoredGroup[]> {
    requireRole(actor, 'admin');
    return [...(await this.groups()).values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** One group with its recent changes (admin); GROUP_NOT_FOUND names it. */
  async get(groupId: string, actor: Actor): Promise<StoredGroup> {
    requireRole(actor, 'admin');
    const group = await this.deps.repository.get(groupId);
    if (!group) throw new AppError('GROUP_NOT_FOUND', `group <${groupId}> is not in the directory`);
    return group;
  }

  /**
   * Replaces a group's addresses with those in `text` (one per line, or comma/semicolon separated).
   * VALIDATION_FAILED lists every bad address; CONFLICT when `version` is stale. The change
   * (who, when, before, after) is kept on the group.
   */
  async update(groupId: string, text: string, version: number, actor: Actor): Promise<StoredGroup> {
    const group = await this.get(groupId, actor);
    const { addresses, issues } = parseAddressList(text);
    if (issues.length > 0)
      throw new AppError(
        'VALIDATION_FAILED',
        `group <${groupId}>: ${issues.length} address(es) invalid`,
        issues,
      );
    if (version !== group.version)
      throw new AppError('CONFLICT', `group <${groupId}> was changed meanwhile: reload and edit again`);
    const at = this.deps.clock.now();
    const change: DirectoryChange = {
      groupId,
      at,
      actor: actor.id,
      before: group.addresses,
      after: addresses,
    };
    const saved: StoredGroup = {
      ...group,
      addresses,
      updatedAt: at,
      updatedBy: actor.id,
      version: group.version + 1,
      changes: [change, ...group.changes].slice(0, KEPT_CHANGES),
    };
    if (!(await this.deps.repository.save(saved, group.version)))
      throw new AppError('CONFLICT', `group <${groupId}> was changed meanwhile: reload and edit again`);
    this.invalidate();
    await this.groups();
    return saved;
  }

  /** Drops the cache: the next read loads the groups again. */
  invalidate(): void {
    this.generation += 1;
    this.cache = undefined;
    this.loading = undefined;
  }

  private async groups(): Promise<ReadonlyMap<string, StoredGroup>> {
    const now = this.deps.clock.now().getTime();
    if (this.cache && now - this.cache.at < (this.deps.refreshMs ?? 30_000)) return this.cache.groups;
    if (!this.loading) {
      const loading = this.load(this.generation);
      this.loading = loading;
      void loading
        .finally(() => {
          if (this.loading === loading) this.loading = undefined;
        })
        .catch(() => undefined);
    }
    return this.loading;
  }

  private async load(generation: number): Promise<ReadonlyMap<string, StoredGroup>> {
    const groups = new Map((await this.deps.repository.list()).map((group) => [group.id, group] as const));
    if (generation !== this.generation) return groups;
    this.addresses.clear();
    for (const group of groups.values())
      for (const address of group.addresses) this.addresses.add(address.toLowerCase());
    this.cache = { at: this.deps.clock.now().getTime(), groups };
    return groups;
  }
}
