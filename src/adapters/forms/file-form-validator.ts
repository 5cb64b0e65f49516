import { AppError } from '../../domain/errors.js';
import { parseFormFile, validateSubmission, type FormSchema } from '../../domain/forms/index.js';
import type { MailPolicy } from '../../domain/mail-policy.js';
import type { FormValidator } from '../../app/ports.js';
import { FormFileCache } from './form-file-cache.js';

/** Options of the file form validator. */
export interface FileFormValidatorOptions {
  /** Applied to every submission (the copy list of mail to the requester). */
  readonly mailPolicy?: MailPolicy;
}

/**
 * Forms read from `forms/<formKey>.form` (form-js JSON), parsed once and cached. Only forms
 * that were found are cached: a form added after a deploy was refused for lacking it is seen
 * on the next deploy, without a restart. A form that does not parse (e.g. a pattern the
 * linear-time engine refuses) throws FORM_INVALID naming the form and field, and is read again
 * next time.
 */
export class FileFormValidator implements FormValidator {
  private readonly files: FormFileCache<FormSchema>;

  constructor(
    dir: string,
    private readonly options: FileFormValidatorOptions = {},
  ) {
    this.files = new FormFileCache(dir, parseFormFile);
  }

  async exists(formKey: string): Promise<boolean> {
    return (await this.load(formKey)) !== null;
  }

  async validate(formKey: string, data: unknown, currentUser?: string): Promise<Record<string, unknown>> {
    const schema = await this.load(formKey);
    if (!schema) throw new AppError('FORM_NOT_FOUND', `form <${formKey}> not found`);
    return validateSubmission(schema, data, { ...this.options, ...(currentUser ? { currentUser } : {}) });
  }

  private load(formKey: string): Promise<FormSchema | null> {
    return this.files.load(formKey);
  }
}
