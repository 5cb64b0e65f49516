import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseFormFile } from '../../domain/forms/index.js';
import type { FormSource, FormSources } from '../../app/inbox-service.js';

const FORM_KEY = /^[a-z0-9][a-z0-9-]*$/;

/** Forms of `forms/<formKey>.form` for rendering: checked schema plus raw JSON, read once and cached. */
export class FileFormSources implements FormSources {
  private readonly cache = new Map<string, Promise<FormSource | null>>();

  constructor(private readonly dir: string) {}

  load(formKey: string): Promise<FormSource | null> {
    if (!FORM_KEY.test(formKey)) return Promise.resolve(null);
    let cached = this.cache.get(formKey);
    if (!cached) {
      cached = readFile(path.join(this.dir, `${formKey}.form`), 'utf8').then(
        (text) => ({
          schema: parseFormFile(text, `${formKey}.form`),
          json: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown,
        }),
        () => null,
      );
      cached.catch(() => this.cache.delete(formKey));
      this.cache.set(formKey, cached);
    }
    return cached;
  }
}
