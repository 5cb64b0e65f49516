import { ROLES, type AccountProfile, type AccountView, type Language } from '../../../domain/account.js';
import type { Role } from '../../../domain/actor.js';
import { isAppError, type FieldIssue } from '../../../domain/errors.js';

/** What the user forms show: the values typed (never a password) and errors by field. */
export interface UserFormState {
  readonly username: string;
  readonly displayName: string;
  readonly email: string;
  readonly roles: readonly string[];
  readonly groups: string;
  readonly language: string;
  /** Per field: the i18n key of the problem (`admin.issues.<field>.<reason>`) and the service's own message. */
  readonly errors: Record<string, FieldError>;
  readonly message?: string;
}

/** One field's problem as the form shows it. */
export interface FieldError {
  readonly key: string;
  readonly message: string;
}

type Body = Record<string, unknown>;

/** The profile fields of a posted user form. */
export function profileFromForm(body: Body): AccountProfile {
  return {
    displayName: text(body.displayName),
    email: text(body.email),
    roles: list(body.roles) as Role[],
    groups: text(body.groups)
      .split(/[,\s]+/)
      .filter(Boolean),
    language: text(body.language) as Language,
  };
}

/** The form state of a posted form, with the errors of a failed save (VALIDATION_FAILED, ACCOUNT_EXISTS). */
export function stateFromForm(body: Body, error?: unknown): UserFormState {
  return {
    username: text(body.username),
    displayName: text(body.displayName),
    email: text(body.email),
    roles: list(body.roles),
    groups: text(body.groups),
    language: text(body.language) || 'es',
    ...errorsOf(error),
  };
}

/** The form state of a stored account. */
export function stateFromAccount(account: AccountView): UserFormState {
  return {
    username: account.username,
    displayName: account.displayName,
    email: account.email ?? '',
    roles: account.roles,
    groups: account.groups.join(', '),
    language: account.language,
    errors: {},
  };
}

/** An empty form for a new user, in the default language of new accounts. */
export function emptyState(language: Language = 'es'): UserFormState {
  return { username: '', displayName: '', email: '', roles: [], groups: '', language, errors: {} };
}

/** Every role, with whether the form has it checked. */
export function roleChoices(state: UserFormState): { role: Role; checked: boolean }[] {
  return ROLES.map((role) => ({ role, checked: state.roles.includes(role) }));
}

/** True for the errors a form shows again instead of the error page. */
export function isFormError(error: unknown): boolean {
  return isAppError(error) && (error.code === 'VALIDATION_FAILED' || error.code === 'ACCOUNT_EXISTS');
}

function errorsOf(error: unknown): { errors: Record<string, FieldError>; message?: string } {
  if (!isAppError(error)) return { errors: {} };
  if (error.code === 'ACCOUNT_EXISTS')
    return {
      errors: { username: { key: 'admin.issues.username.exists', message: error.message } },
      message: error.message,
    };
  const errors: Record<string, FieldError> = {};
  for (const issue of error.details as FieldIssue[])
    errors[issue.path] ??= { key: `admin.issues.${issue.path}.${issue.reason}`, message: issue.message };
  return { errors, message: error.message };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' && value ? [value] : [];
}
