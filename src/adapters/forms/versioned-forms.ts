import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../domain/errors.js';
import { parseFormFile, validateSubmission, type FormSchema } from '../../domain/forms/index.js';
import type { MailPolicy } from '../../domain/mail-policy.js';
import { FORM_KEY, type FormSeeds, type FormVersion, type FormVersions } from '../../app/form-versions.js';
import type { FormSource, FormSources } from '../../app/inbox-service.js';
import type { FormValidator } from '../../app/ports.js';

/** Parsed versions kept in memory (versions never change); cleared wholesale when full. */
const CACHE_SIZE = 500;
/** Seed files listed at most (far more than a desk has). */
const MAX_SEED_FILES = 2000;

/** Options of {@link VersionedForms}. */
export interface VersionedFormsOptions {
  /** Applied to every submission (the copy list of mail to the requester). */
  readonly mailPolicy?: MailPolicy;
  /** The requester directory's institutional accounts, accepted by the institutional-email rule (ADR 0030). */
  readonly institutionalAddresses?: (address: string) => boolean;
}

/**
 * Forms from the `form_versions` collection (docs/adr/0028) for validation and rendering: a
 * pinned version when the caller names one, else the latest. Parsed versions are cached by
 * `<formKey>@<n>`; the latest costs one `_id` read of the head.
 */
export class VersionedForms implements FormValidator, FormSources {
  private readonly cache = new Map<string, FormSource>();

  constructor(
    private readonly versions: FormVersions,
    private readonly options: VersionedFormsOptions = {},
  ) {}

  async exists(formKey: string): Promise<boolean> {
    // A head is stored only after its version: the head alone says the form exists.
    return (await this.versions.latestNumber(formKey)) !== null;
  }

  latestVersions(formKeys: readonly string[]): Promise<Record<string, number>> {
    return this.versions.latestOf(formKeys);
  }

  async validate(formKey: string, data: unknown, currentUser?: string, version?: number) {
    const form = await this.load(formKey, version);
    if (!form) throw new AppError('FORM_NOT_FOUND', `form <${formKey}> not found`);
    return validateSubmission(form.schema, data, {
      ...this.options,
      ...(currentUser ? { currentUser } : {}),
    });
  }

  async load(formKey: string, version?: number): Promise<FormSource | null> {
    // A pinned version is known by its id: once parsed, no database read at all.
    const number = version ?? (await this.versions.latestNumber(formKey));
    if (number === null) return null;
    const cached = this.cache.get(`${formKey}@${number}`);
    if (cached) return cached;
    const found = await this.versions.get(formKey, number);
    return found ? this.parsed(found) : null;
  }

  private parsed(version: FormVersion): FormSource {
    const cached = this.cache.get(version.id);
    if (cached) return cached;
    const schema: FormSchema = parseFormFile(version.json, `${version.formKey}.form v${version.version}`);
    const source = { schema, json: JSON.parse(version.json.replace(/^\uFEFF/, '')) as unknown };
    if (this.cache.size >= CACHE_SIZE) this.cache.clear();
    this.cache.set(version.id, source);
    return source;
  }
}

/** The seed files `forms/<formKey>.form`; a file added while the app runs is found at first use. */
export class FileFormSeeds implements FormSeeds {
  constructor(private readonly dir: string) {}

  async keys(): Promise<string[]> {
    const files = await readdir(this.dir).catch(() => [] as string[]);
    return files
      .filter((file) => file.endsWith('.form'))
      .map((file) => file.slice(0, -'.form'.length))
      .filter((key) => FORM_KEY.test(key))
      .sort()
      .slice(0, MAX_SEED_FILES);
  }

  async read(formKey: string): Promise<string | null> {
    if (!FORM_KEY.test(formKey)) return null;
    return readFile(path.join(this.dir, `${formKey}.form`), 'utf8').catch(() => null);
  }
}
