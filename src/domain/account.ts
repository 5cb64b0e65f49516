import type { Role } from './actor.js';
import { AppError, type FieldIssue } from './errors.js';

/** UI languages an account can choose. */
export const LANGUAGES = ['es', 'it', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Every role an account can hold. */
export const ROLES: readonly Role[] = ['analyst', 'agent', 'supervisor', 'admin'];

/** Shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 10;

/**
 * Longest password accepted, in UTF-8 bytes: bcrypt only reads the first 72 bytes, so
 * a longer password would be silently cut (docs/adr/0013).
 */
export const MAX_PASSWORD_BYTES = 72;

/** A person who logs in to the web app. `id` is the lowercased username. */
export interface Account {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly email?: string;
  readonly roles: readonly Role[];
  readonly groups: readonly string[];
  readonly language: Language;
  readonly disabled: boolean;
  readonly passwordHash: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** An account without its password hash, safe to show. */
export type AccountView = Omit<Account, 'passwordHash'>;

/** What can be set on an account besides its password. */
export interface AccountProfile {
  readonly displayName?: string;
  readonly email?: string;
  readonly roles: readonly Role[];
  readonly groups: readonly string[];
  readonly language: Language;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,62}$/;
const GROUP = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The account id of a username (usernames are case-insensitive). */
export function accountId(username: string): string {
  return username.trim().toLowerCase();
}

/** Issues with a username; empty when it is acceptable. */
export function usernameIssues(username: string): FieldIssue[] {
  return USERNAME.test(accountId(username))
    ? []
    : [
        {
          path: 'username',
          reason: 'pattern',
          message: `username <${username}> must be 2-63 letters, digits, dots, dashes or underscores`,
        },
      ];
}

/** The UTF-8 length of a password, the unit of bcrypt's limit. */
export function passwordBytes(password: string): number {
  return new TextEncoder().encode(password).length;
}

/**
 * Issues with a password's length and edges; empty when it meets them. Strength
 * (common passwords, the user's own name) is the `PasswordPolicy` port's job.
 */
export function passwordIssues(password: string): FieldIssue[] {
  if (password.length < MIN_PASSWORD_LENGTH)
    return [
      {
        path: 'password',
        reason: 'minLength',
        message: `password must have at least ${MIN_PASSWORD_LENGTH} characters`,
      },
    ];
  if (passwordBytes(password) > MAX_PASSWORD_BYTES)
    return [
      {
        path: 'password',
        reason: 'maxBytes',
        message: `password must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8 (it has ${passwordBytes(password)}); bcrypt ignores the rest`,
      },
    ];
  if (password.trim() !== password)
    return [{ path: 'password', reason: 'pattern', message: 'password must not start or end with spaces' }];
  return [];
}

/** Who a password belongs to, for telling weak personal passwords apart. */
export interface PasswordOwner {
  readonly username: string;
  readonly displayName?: string;
  readonly email?: string;
}

/**
 * The owner's own words a password must not lean on: username, name and email, whole,
 * without separators and split into parts (words of 3+ characters, at most 30, each
 * from the first 100 characters).
 */
export function personalWords(owner: PasswordOwner): string[] {
  const whole = [owner.username, owner.displayName ?? '', owner.email ?? '']
    .map((text) => text.trim().toLowerCase().slice(0, 100))
    .filter(Boolean);
  const joined = whole.map((text) => text.replace(/[^\p{L}\p{N}]+/gu, ''));
  const parts = whole.flatMap((text) => text.split(/[^\p{L}\p{N}]+/u));
  return [...new Set([...whole, ...joined, ...parts])].filter((word) => word.length >= 3).slice(0, 30);
}

/** Issues with a profile (roles, groups, language, email); empty when valid. */
export function profileIssues(profile: AccountProfile): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (profile.roles.length === 0)
    issues.push({ path: 'roles', reason: 'required', message: 'an account needs at least one role' });
  for (const role of profile.roles)
    if (!ROLES.includes(role))
      issues.push({
        path: 'roles',
        reason: 'enum',
        message: `role <${role}> is not one of ${ROLES.join(', ')}`,
      });
  for (const group of profile.groups)
    if (!GROUP.test(group))
      issues.push({
        path: 'groups',
        reason: 'pattern',
        message: `group <${group}> has characters not allowed`,
      });
  if (!(LANGUAGES as readonly string[]).includes(profile.language))
    issues.push({
      path: 'language',
      reason: 'enum',
      message: `language <${profile.language}> is not one of ${LANGUAGES.join(', ')}`,
    });
  if (profile.email && !EMAIL.test(profile.email))
    issues.push({ path: 'email', reason: 'format', message: `email <${profile.email}> is not an address` });
  return issues;
}

/** Throws VALIDATION_FAILED listing every issue, if any. */
export function assertNoIssues(issues: readonly FieldIssue[], what: string): void {
  if (issues.length > 0)
    throw new AppError('VALIDATION_FAILED', `${what}: ${issues.map((i) => i.message).join('; ')}`, issues);
}

/** Drops the password hash. */
export function viewOf(account: Account): AccountView {
  const { passwordHash: _hash, ...view } = account;
  return view;
}
