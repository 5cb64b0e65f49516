import { AppError } from '../domain/errors.js';
import type { FormValidator } from './ports.js';

/**
 * The submitted data validated by the form, or `{}` when there is no form; then any
 * submitted data is refused (`noForm` says whose form is missing), so nothing
 * unexpected is stored. `currentUser` (the actor's id) fills blank current-user fields.
 */
export async function acceptFormData(
  forms: FormValidator,
  formKey: string | undefined,
  input: unknown,
  noForm: string,
  currentUser?: string,
  pins?: Readonly<Record<string, number>>,
): Promise<Record<string, unknown>> {
  // `pins`: the procedure version's form versions (docs/adr/0028); the latest for a key it lacks.
  if (formKey) return forms.validate(formKey, input ?? {}, currentUser, pins?.[formKey]);
  if (input && typeof input === 'object' && Object.keys(input).length > 0) {
    throw new AppError('VALIDATION_FAILED', `${noForm}; no data is accepted`);
  }
  return {};
}
