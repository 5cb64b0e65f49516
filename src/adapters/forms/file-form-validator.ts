import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../domain/errors.js';
import { parseFormFile, validateSubmission, type FormSchema } from '../../domain/forms/index.js';
import type { FormValidator } from '../../app/ports.js';

const FORM_KEY = /^[a-z0-9][a-z0-9-]*$/;

/** Forms read from `forms/<formKey>.form` (form-js JSON), parsed once and cached. */
export class FileFormValidator implements FormValidator {
  private readonly cache = new Map<string, Promise<FormSchema | null>>();

  constructor(private readonly dir: string) {}

  async exists(formKey: string): Promise<boolean> {
    return (await this.load(formKey)) !== null;
  }

  async validate(formKey: string, data: unknown): Promise<Record<string, unknown>> {
    const schema = await this.load(formKey);
    if (!schema) throw new AppError('FORM_NOT_FOUND', `form <${formKey}> not found`);
    return validateSubmission(schema, data);
  }

  private load(formKey: string): Promise<FormSchema | null> {
    if (!FORM_KEY.test(formKey)) return Promise.resolve(null);
    let cached = this.cache.get(formKey);
    if (!cached) {
      const file = path.join(this.dir, `${formKey}.form`);
      cached = readFile(file, 'utf8').then(
        (text) => parseFormFile(text, `${formKey}.form`),
        () => null,
      );
      cached.catch(() => this.cache.delete(formKey));
      this.cache.set(formKey, cached);
    }
    return cached;
  }
}
