import type { Actor } from '../domain/actor.js';
import {
  accountId,
  assertNoIssues,
  passwordIssues,
  personalWords,
  profileIssues,
  usernameIssues,
  viewOf,
  type Account,
  type AccountProfile,
  type AccountView,
  type Language,
  type PasswordOwner,
} from '../domain/account.js';
import type { Clock } from '../domain/clock.js';
import { AppError, type FieldIssue } from '../domain/errors.js';
import type { AccountRepository, PasswordHasher, PasswordPolicy } from './account-ports.js';
import { requireRole } from './authorization.js';

/** Collaborators of the account service. */
export interface AccountServiceDeps {
  readonly repository: AccountRepository;
  readonly hasher: PasswordHasher;
  /** Strength rules every new password must meet (account creation and every reset). */
  readonly passwordPolicy: PasswordPolicy;
  readonly clock: Clock;
}

/** What a new account needs. */
export interface NewAccount extends AccountProfile {
  readonly username: string;
  readonly password: string;
}

/**
 * Web accounts: creation and changes by admins (`by` must be an admin), password
 * checks at login, and each user's own language choice.
 */
export class AccountService {
  constructor(private readonly deps: AccountServiceDeps) {}

  /** Creates an account; VALIDATION_FAILED lists every bad field, ACCOUNT_EXISTS when taken. */
  async create(input: NewAccount, by: Actor): Promise<AccountView> {
    requireRole(by, 'admin');
    const profile = cleanProfile(input);
    assertNoIssues(
      [
        ...usernameIssues(input.username),
        ...profileIssues(profile),
        ...(await this.newPasswordIssues(input.password, { ...profile, username: input.username })),
      ],
      `account <${input.username}> is not valid`,
    );
    const now = this.deps.clock.now();
    const id = accountId(input.username);
    const account: Account = {
      id,
      username: id,
      ...profile,
      displayName: profile.displayName || id,
      disabled: false,
      passwordHash: await this.deps.hasher.hash(input.password),
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.repository.insert(account);
    return viewOf(account);
  }

  /** Every account, by username. */
  async list(by: Actor): Promise<AccountView[]> {
    requireRole(by, 'admin');
    const accounts = await this.deps.repository.list();
    return accounts.map(viewOf).sort((a, b) => a.username.localeCompare(b.username));
  }

  /** One account; ACCOUNT_NOT_FOUND when missing. */
  async get(id: string, by: Actor): Promise<AccountView> {
    requireRole(by, 'admin');
    return viewOf(await this.load(id));
  }

  /** Changes roles, groups, language, name and email. */
  async updateProfile(id: string, profile: AccountProfile, by: Actor): Promise<AccountView> {
    requireRole(by, 'admin');
    const clean = cleanProfile(profile);
    const account = await this.load(id);
    const selfDemotion =
      account.id === by.id && !clean.roles.includes('admin')
        ? [
            {
              path: 'roles',
              reason: 'self',
              message: 'you cannot remove the admin role from your own account',
            },
          ]
        : [];
    assertNoIssues([...profileIssues(clean), ...selfDemotion], `account <${id}> is not valid`);
    return this.save({ ...account, ...clean, displayName: clean.displayName || account.username });
  }

  /** Sets a new password (admin reset, CLI reset); the same rules as a new account's. */
  async resetPassword(id: string, password: string, by: Actor): Promise<AccountView> {
    requireRole(by, 'admin');
    assertNoIssues(passwordIssues(password), `password of <${id}> is not valid`);
    const account = await this.load(id);
    assertNoIssues(await this.newPasswordIssues(password, account), `password of <${id}> is not valid`);
    return this.save({ ...account, passwordHash: await this.deps.hasher.hash(password) });
  }

  /** Disables or re-enables an account; admins cannot disable themselves. */
  async setDisabled(id: string, disabled: boolean, by: Actor): Promise<AccountView> {
    requireRole(by, 'admin');
    const account = await this.load(id);
    if (disabled && account.id === by.id)
      throw new AppError('VALIDATION_FAILED', `account <${id}> is your own and cannot be disabled`, [
        { path: 'disabled', reason: 'self', message: 'you cannot disable your own account' },
      ]);
    return this.save({ ...account, disabled });
  }

  /** The user's own language choice. */
  async setLanguage(id: string, language: Language): Promise<AccountView> {
    const account = await this.load(id);
    assertNoIssues(profileIssues({ ...account, language }), `language of <${id}> is not valid`);
    return this.save({ ...account, language });
  }

  /**
   * The enabled account whose password matches, or null. Unknown users cost the same
   * hashing time as wrong passwords, so timing does not reveal which usernames exist.
   */
  async authenticate(username: string, password: string): Promise<AccountView | null> {
    const account = await this.deps.repository.findById(accountId(username));
    const matches = await this.deps.hasher.verify(password, account?.passwordHash);
    return account && matches && !account.disabled ? viewOf(account) : null;
  }

  /** The account of a session, or null when it is gone or disabled. */
  async activeAccount(id: string): Promise<AccountView | null> {
    const account = await this.deps.repository.findById(id);
    return account && !account.disabled ? viewOf(account) : null;
  }

  /** True when no account exists yet (first start). */
  async isEmpty(): Promise<boolean> {
    return (await this.deps.repository.count()) === 0;
  }

  /** Length and edge rules, then (only if those pass) the strength policy with the owner's own words. */
  private async newPasswordIssues(password: string, owner: PasswordOwner): Promise<FieldIssue[]> {
    const basic = passwordIssues(password);
    return basic.length ? basic : await this.deps.passwordPolicy.issues(password, personalWords(owner));
  }

  private async load(id: string): Promise<Account> {
    const account = await this.deps.repository.findById(accountId(id));
    if (!account) throw new AppError('ACCOUNT_NOT_FOUND', `account <${id}> not found`);
    return account;
  }

  private async save(account: Account): Promise<AccountView> {
    const updated = { ...account, updatedAt: this.deps.clock.now() };
    await this.deps.repository.replace(updated);
    return viewOf(updated);
  }
}

function cleanProfile(profile: AccountProfile): AccountProfile {
  const email = profile.email?.trim();
  return {
    displayName: profile.displayName?.trim() ?? '',
    ...(email ? { email } : {}),
    roles: [...new Set(profile.roles)],
    groups: [...new Set(profile.groups.map((g) => g.trim()).filter(Boolean))],
    language: profile.language,
  };
}
