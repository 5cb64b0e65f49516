import { createHash } from 'node:crypto';
import type { Actor } from '../domain/actor.js';
import type { Clock } from '../domain/clock.js';
import { AppError, isAppError } from '../domain/errors.js';
import { parseFormFile } from '../domain/forms/index.js';
import type { ProcedureCatalog } from '../domain/procedure.js';

/** A form key: kebab-case, as in `forms/<formKey>.form` (docs/adr/0028). */
export const FORM_KEY = /^[a-z0-9][a-z0-9-]{0,79}$/;
/** Largest form schema a save accepts (the seed forms are a few KB). */
export const MAX_FORM_BYTES = 256 * 1024;

/** One immutable version of a form: `_id` = `<formKey>@<n>`. */
export interface FormVersion {
  readonly id: string;
  readonly formKey: string;
  readonly version: number;
  /** The form-js schema as saved (JSON text). */
  readonly json: string;
  readonly contentHash: string;
  readonly savedAt: Date;
  readonly savedBy: string;
  readonly source: 'file' | 'editor';
}

/** The head of a form (`_id` = `<formKey>`): its latest version and the hash of its file when last seeded. */
export interface FormHead {
  readonly formKey: string;
  readonly latest: number;
  readonly seedHash?: string;
}

/** What a startup refresh did with a changed seed file. */
export interface SeedRefresh {
  readonly formKey: string;
  /** `updated`: a new version from the file; `kept`: edited in the browser since, the file is ignored. */
  readonly outcome: 'updated' | 'kept';
  readonly version: number;
}

/** The seed source (`forms/*.form`): a form with no versions yet gets its file as version 1. */
export interface FormSeeds {
  /** Keys that have a seed file. */
  keys(): Promise<string[]>;
  /** The file's text, or null when there is none. */
  read(formKey: string): Promise<string | null>;
}

/** Storage of form versions and heads (collection `form_versions`). */
export interface FormVersionStore {
  head(formKey: string): Promise<FormHead | null>;
  version(formKey: string, version: number): Promise<FormVersion | null>;
  /** Inserts a new version; CONFLICT when that number is taken. */
  insert(version: FormVersion): Promise<void>;
  /** Moves the head forward to `latest` (never back); `seedHash` records the file a seed came from. */
  advance(formKey: string, latest: number, seedHash?: string): Promise<void>;
  /** Every head (the catalogue), at most `limit`. */
  heads(limit: number): Promise<FormHead[]>;
  /**
   * Inserts each version (version 1 of a form without versions) and then its head, in one write
   * each; a row another process inserted first is kept.
   */
  seed(versions: readonly FormVersion[]): Promise<void>;
}

/** Result of a save: the version now latest and whether it is new. */
export interface FormSaveResult {
  readonly version: FormVersion;
  readonly created: boolean;
}

/** Forms listed at most in the catalogue. */
const MAX_FORMS = 2000;
/** Who saves the versions that come from seed files. */
const SYSTEM: Actor = { id: 'system', roles: [], groups: [] };

type FormCatalog = Pick<ProcedureCatalog, 'startFormKey' | 'userTasks'> & { readonly portalForm?: string };

/** The form keys a procedure version uses (start form, portal form and user tasks). */
export function formKeysOf(catalog: FormCatalog): string[] {
  const keys = new Set<string>();
  if (catalog.startFormKey) keys.add(catalog.startFormKey);
  if (catalog.portalForm) keys.add(catalog.portalForm);
  for (const task of Object.values(catalog.userTasks)) if (task.formKey) keys.add(task.formKey);
  return [...keys].sort();
}

/**
 * Versioned forms (docs/adr/0028): every save is a new immutable version after the same checks
 * a form file gets at load (structure, keys, linear-time patterns, limits); the head names the
 * latest. A procedure version pins the versions it was deployed with.
 */
export class FormVersions {
  constructor(
    private readonly deps: {
      readonly store: FormVersionStore;
      readonly clock: Clock;
      /** Files that become version 1 of forms without versions, at first use. */
      readonly seeds?: FormSeeds;
    },
  ) {}

  /**
   * Saves a schema as the next version of a form, unless it equals the latest. Refuses with
   * VALIDATION_FAILED listing every problem (each naming the component), or CONFLICT when a
   * concurrent save took the number.
   */
  async save(formKey: string, json: unknown, actor: Actor, source: FormVersion['source'] = 'editor') {
    const text = typeof json === 'string' ? json : JSON.stringify(json, null, 2);
    checkForm(formKey, text, source);
    const head = await this.repairedHead(formKey);
    const version = this.newVersion(formKey, (head?.latest ?? 0) + 1, text, actor, source);
    const latest = head ? await this.deps.store.version(formKey, head.latest) : null;
    if (latest && latest.contentHash === version.contentHash) return { version: latest, created: false };
    await this.deps.store.insert(version);
    const seedHash = source === 'file' ? version.contentHash : undefined;
    await this.deps.store.advance(formKey, version.version, seedHash);
    return { version, created: true } satisfies FormSaveResult;
  }

  /**
   * Version 1 of a form without versions, from its seed file; false when it has versions or no
   * file. A file failing the form checks throws FORM_INVALID naming the field (read again next time).
   */
  async seed(formKey: string): Promise<boolean> {
    const { seeds } = this.deps;
    if (!seeds || !FORM_KEY.test(formKey) || (await this.deps.store.head(formKey))) return false;
    const text = await seeds.read(formKey);
    if (text === null) return false;
    const { created } = await this.save(formKey, text, SYSTEM, 'file').catch((error: unknown) => {
      // Another process seeded it at the same moment.
      if (isAppError(error) && error.code === 'CONFLICT') return { created: false };
      throw error;
    });
    return created;
  }

  /**
   * At each start: seed files changed since they were last seeded (a new release of `forms/`)
   * become a new version when nobody edited the form in the browser since, else the browser's
   * version is kept and reported; forms without versions get their file as version 1, all in two
   * writes (a file failing the form checks is left to its first use, which names the field).
   */
  async refreshSeeds(): Promise<SeedRefresh[]> {
    const { seeds } = this.deps;
    const done: SeedRefresh[] = [];
    const keys = (await seeds?.keys()) ?? [];
    // Every head in one read (at most MAX_FORMS), not one read per form file: this runs at each start.
    const heads = keys.length ? await this.deps.store.heads(MAX_FORMS) : [];
    const headOf = new Map(heads.map((head) => [head.formKey, head]));
    await this.seedAll(keys.filter((formKey) => !headOf.has(formKey)));
    for (const formKey of keys) {
      const head = headOf.get(formKey);
      const text = head?.seedHash ? await seeds!.read(formKey) : null;
      if (!head || text === null || hashOf(text) === head.seedHash) continue;
      const latest = await this.deps.store.version(formKey, head.latest);
      if (latest?.source !== 'file') {
        done.push({ formKey, outcome: 'kept', version: head.latest });
        continue;
      }
      const saved = await this.save(formKey, text, SYSTEM, 'file').catch(() => undefined);
      if (saved) done.push({ formKey, outcome: 'updated', version: saved.version.version });
    }
    return done;
  }

  /** Version 1 of each form from its seed file, in one write for the versions and one for the heads. */
  private async seedAll(formKeys: readonly string[]): Promise<void> {
    const versions: FormVersion[] = [];
    for (const formKey of formKeys) {
      const text = await this.deps.seeds?.read(formKey);
      if (!text || !passes(formKey, text)) continue;
      versions.push(this.newVersion(formKey, 1, text, SYSTEM, 'file'));
    }
    await this.deps.store.seed(versions);
  }

  /** Version `number` of a form, from `text`, saved now by `actor`. */
  private newVersion(
    formKey: string,
    number: number,
    text: string,
    actor: Actor,
    source: FormVersion['source'],
  ): FormVersion {
    return {
      id: `${formKey}@${number}`,
      formKey,
      version: number,
      json: text,
      contentHash: hashOf(text),
      savedAt: this.deps.clock.now(),
      savedBy: actor.id,
      source,
    };
  }

  /** The head, moved forward first when a save stored its version but stopped before the head. */
  private async repairedHead(formKey: string): Promise<FormHead | null> {
    const head = await this.deps.store.head(formKey);
    const next = (head?.latest ?? 0) + 1;
    const found = await this.deps.store.version(formKey, next);
    if (!found) return head;
    // A version from a seed file keeps naming that file, so later releases of it still apply.
    await this.deps.store.advance(formKey, next, found.source === 'file' ? found.contentHash : undefined);
    return this.deps.store.head(formKey);
  }

  /** A form's version `version`, or its latest when none is given; null when there is none. */
  async get(formKey: string, version?: number): Promise<FormVersion | null> {
    if (!FORM_KEY.test(formKey)) return null;
    const found = await this.stored(formKey, version);
    if (found) return found;
    // Read again whoever seeded it: this call, or another process a moment before.
    await this.seed(formKey);
    return this.stored(formKey, version);
  }

  /** The latest version number of a form (seeding it from its file first), or null. */
  async latestNumber(formKey: string): Promise<number | null> {
    if (!FORM_KEY.test(formKey)) return null;
    const head = await this.deps.store.head(formKey);
    if (head) return head.latest;
    await this.seed(formKey);
    return (await this.deps.store.head(formKey))?.latest ?? null;
  }

  private async stored(formKey: string, version?: number): Promise<FormVersion | null> {
    if (version !== undefined) return this.deps.store.version(formKey, version);
    const head = await this.deps.store.head(formKey);
    return head ? this.deps.store.version(formKey, head.latest) : null;
  }

  /** The latest version number of each key that has one (what a deploy pins). */
  async latestOf(keys: readonly string[]): Promise<Record<string, number>> {
    const pins: Record<string, number> = {};
    for (const key of keys) {
      const head = FORM_KEY.test(key) ? await this.deps.store.head(key) : null;
      if (head) pins[key] = head.latest;
    }
    return pins;
  }

  /** Every form with its latest version, by key. */
  async catalogue(): Promise<{ key: string; version: number }[]> {
    const known = new Set((await this.deps.store.heads(MAX_FORMS)).map((head) => head.formKey));
    const files = (await this.deps.seeds?.keys()) ?? [];
    for (const key of files.filter((file) => !known.has(file)).slice(0, MAX_FORMS)) {
      await this.seed(key).catch(() => false); // a broken seed file is left out of the catalogue
    }
    const heads = await this.deps.store.heads(MAX_FORMS);
    return heads
      .map((head) => ({ key: head.formKey, version: head.latest }))
      .sort((a, b) => a.key.localeCompare(b.key));
  }
}

/**
 * The checks a form file gets at load: FORM_INVALID for a seed file (as before versions), an
 * editor save gets VALIDATION_FAILED (422) with the component paths.
 */
function checkForm(formKey: string, text: string, source: FormVersion['source']): void {
  if (!FORM_KEY.test(formKey)) {
    throw new AppError(
      'BAD_REQUEST',
      `form key <${formKey}> must be kebab-case (a-z, 0-9, -), at most 80 characters`,
    );
  }
  if (Buffer.byteLength(text) > MAX_FORM_BYTES) {
    throw new AppError('VALIDATION_FAILED', `form <${formKey}> is over ${MAX_FORM_BYTES} bytes`, [
      { path: '', reason: 'too-large', message: `the schema is over ${MAX_FORM_BYTES} bytes` },
    ]);
  }
  try {
    parseFormFile(text, `${formKey}.form`);
  } catch (error) {
    if (isAppError(error) && error.code === 'FORM_INVALID' && source === 'editor') {
      throw new AppError('VALIDATION_FAILED', error.message, error.details);
    }
    throw error;
  }
}

/** True when a seed file passes the form checks (a failing one is reported at its first use). */
function passes(formKey: string, text: string): boolean {
  try {
    checkForm(formKey, text, 'file');
    return true;
  } catch {
    return false;
  }
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The form versions a deploy pins: the latest of each form the catalog names (none without versioned forms). */
export async function pinnedForms(
  forms: { latestVersions?(keys: readonly string[]): Promise<Record<string, number>> },
  catalog: FormCatalog,
): Promise<Record<string, number> | undefined> {
  if (!forms.latestVersions) return undefined;
  return forms.latestVersions(formKeysOf(catalog));
}

/** True when a stored version's pins equal these (a version from before pinning counts as equal). */
export function samePins(
  stored: Readonly<Record<string, number>> | undefined,
  pins: Readonly<Record<string, number>> | undefined,
): boolean {
  if (!stored || !pins) return true;
  const keys = Object.keys(pins);
  return keys.length === Object.keys(stored).length && keys.every((key) => stored[key] === pins[key]);
}
