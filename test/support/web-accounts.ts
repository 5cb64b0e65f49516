import { BcryptHasher } from '../../src/adapters/auth/bcrypt-hasher.js';
import type { PasswordPolicy } from '../../src/app/account-ports.js';
import { MongoAccountRepository } from '../../src/adapters/persistence/mongo-account-repository.js';
import { AccountService } from '../../src/app/account-service.js';
import type { Language } from '../../src/domain/account.js';
import type { Role } from '../../src/domain/actor.js';
import { systemClock } from '../../src/adapters/clock/system-clock.js';
import { USERS, startTestApp, type TestApp, type TestAppOptions } from './harness.js';

const SEEDER = { id: 'test:seeder', roles: ['admin' as const], groups: [] };
/**
 * The seeded passwords are fixtures, not what a test checks: the real policy (zxcvbn) costs ~0.7 s of
 * CPU per test file to load and run here, and its own tests (unit/password-policy, the account
 * pages and the admin CLI) run it through the app.
 */
const fixturePasswords: PasswordPolicy = { issues: async () => [] };
/** Users who read the UI in another language than Spanish. */
const LANGUAGE_OF: Record<string, Language> = { sofia: 'it', ana: 'en' };

/** The web password of a seeded test user. */
export function webPassword(username: string): string {
  return `${username}-Passw0rd!`;
}

/**
 * Creates one web account per harness user (same username, roles and groups;
 * language es, except sofia it and ana en; password `webPassword(username)`).
 * Uses the app's real account service and repository, with a cheap bcrypt cost so
 * seeding stays fast (login verifies any cost) and no strength check of the fixture passwords.
 */
export async function seedWebAccounts(app: TestApp): Promise<void> {
  const accounts = new AccountService({
    repository: new MongoAccountRepository(app.app.database.connection),
    hasher: new BcryptHasher(4),
    passwordPolicy: fixturePasswords,
    clock: systemClock,
  });
  await Promise.all(
    Object.values(USERS).map((user) =>
      accounts.create(
        {
          username: user.user,
          password: webPassword(user.user),
          roles: [...user.roles] as Role[],
          groups: [...user.groups],
          language: LANGUAGE_OF[user.user] ?? 'es',
          displayName: user.user.charAt(0).toUpperCase() + user.user.slice(1),
          email: `${user.user}@example.org`,
        },
        SEEDER,
      ),
    ),
  );
}

/** A test app (see `startTestApp`) with the web accounts of `seedWebAccounts`. */
export async function startWebApp(options?: TestAppOptions): Promise<TestApp> {
  const app = await startTestApp(options);
  await seedWebAccounts(app);
  return app;
}
