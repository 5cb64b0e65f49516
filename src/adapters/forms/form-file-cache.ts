import { readFile } from 'node:fs/promises';
import path from 'node:path';

const FORM_KEY = /^[a-z0-9][a-z0-9-]*$/;

/**
 * `forms/<formKey>.form` files read and parsed once, cached by key. Only forms that were found
 * are cached: a form file added while the app runs is found without a restart. A parse that
 * throws (FORM_INVALID) is not kept either, so a fixed file is read again next time.
 */
export class FormFileCache<T> {
  private readonly cache = new Map<string, Promise<T>>();

  constructor(
    private readonly dir: string,
    private readonly parse: (text: string, fileName: string) => T,
  ) {}

  /** The parsed form, or null for a key that is not a form name or has no file. */
  async load(formKey: string): Promise<T | null> {
    if (!FORM_KEY.test(formKey)) return null;
    const cached = this.cache.get(formKey);
    if (cached) return cached;
    let text: string;
    try {
      text = await readFile(path.join(this.dir, `${formKey}.form`), 'utf8');
    } catch {
      return null;
    }
    // Another caller may have parsed it meanwhile: keep the first, so the cache never flips.
    const parsed =
      this.cache.get(formKey) ?? Promise.resolve().then(() => this.parse(text, `${formKey}.form`));
    this.cache.set(formKey, parsed);
    parsed.catch(() => this.cache.delete(formKey));
    return parsed;
  }
}
