import { randomBytes } from 'node:crypto';
import type { Language } from '../domain/account.js';
import type { Actor } from '../domain/actor.js';
import { isAppError } from '../domain/errors.js';
import type { AccountService } from './account-service.js';

const BOOTSTRAP: Actor = { id: 'system:bootstrap', roles: ['admin'], groups: [] };

/**
 * On first start (no accounts at all) creates `admin` with a random password and
 * returns that password so it can be shown once. Two processes starting together
 * race on the account's unique id: only the winner gets a password back. The account speaks
 * `language`, the default language of new accounts (`HELPDESK_DEFAULT_LANGUAGE`, es).
 */
export async function bootstrapAdmin(
  accounts: AccountService,
  language: Language = 'es',
): Promise<string | undefined> {
  if (!(await accounts.isEmpty())) return undefined;
  const password = randomBytes(15).toString('base64url');
  try {
    await accounts.create(
      {
        username: 'admin',
        password,
        roles: ['admin'],
        groups: [],
        language,
        displayName: 'Administrator',
      },
      BOOTSTRAP,
    );
    return password;
  } catch (error) {
    if (isAppError(error) && error.code === 'ACCOUNT_EXISTS') return undefined;
    throw error;
  }
}
