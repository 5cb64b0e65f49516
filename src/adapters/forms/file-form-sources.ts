import { parseFormFile } from '../../domain/forms/index.js';
import type { FormSource, FormSources } from '../../app/inbox-service.js';
import { FormFileCache } from './form-file-cache.js';

/**
 * Forms of `forms/<formKey>.form` for rendering: checked schema plus raw JSON, read once and
 * cached. Misses are not cached, so a form file added while running is found without a restart;
 * a broken form rejects with FORM_INVALID and is read again next time.
 */
export class FileFormSources implements FormSources {
  private readonly files: FormFileCache<FormSource>;

  constructor(dir: string) {
    this.files = new FormFileCache(dir, (text, fileName) => ({
      schema: parseFormFile(text, fileName),
      json: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown,
    }));
  }

  load(formKey: string): Promise<FormSource | null> {
    return this.files.load(formKey);
  }
}
