import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseFormFile } from '../../domain/forms/index.js';
import type { FormSource, FormSources } from '../../app/inbox-service.js';

const FORM_KEY = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Forms of `forms/<formKey>.form` for rendering: checked schema plus raw JSON, read once and
 * cached. Misses are not cached, so a form file added while running is found without a restart;
 * a broken form rejects with FORM_INVALID and is read again next time.
 */
export class FileFormSources implements FormSources {
  private readonly cache = new Map<string, Promise<FormSource>>();

  constructor(private readonly dir: string) {}

  async load(formKey: string): Promise<FormSource | null> {
    if (!FORM_KEY.test(formKey)) return null;
    const cached = this.cache.get(formKey);
    if (cached) return cached;
    let text: string;
    try {
      text = await readFile(path.join(this.dir, `${formKey}.form`), 'utf8');
    } catch {
      return null;
    }
    const source =
      this.cache.get(formKey) ??
      Promise.resolve().then(() => ({
        schema: parseFormFile(text, `${formKey}.form`),
        json: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown,
      }));
    this.cache.set(formKey, source);
    source.catch(() => this.cache.delete(formKey));
    return source;
  }
}
