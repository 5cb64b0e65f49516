/** Composition root, people: accounts, sessions and the login throttle (docs/adr/0007, 0013). */
import type { Logger } from 'pino';
import type { Connection } from 'mongoose';
import { BcryptHasher } from '../adapters/auth/bcrypt-hasher.js';
import { ZxcvbnPasswordPolicy } from '../adapters/auth/zxcvbn-password-policy.js';
import { MongoAccountRepository } from '../adapters/persistence/mongo-account-repository.js';
import { MongoSessionRepository } from '../adapters/persistence/mongo-session-repository.js';
import { MongoThrottleCounters } from '../adapters/persistence/mongo-throttle-counters.js';
import { AccountService } from '../app/account-service.js';
import { bootstrapAdmin } from '../app/bootstrap-admin.js';
import { LoginThrottle } from '../app/login-throttle.js';
import { SessionService } from '../app/session-service.js';
import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';

/** Accounts and sessions; with no account yet, a first admin whose password is shown once. */
export async function wireAccounts(
  connection: Connection,
  config: Config,
  clock: Clock,
): Promise<{ accounts: AccountService; sessions: SessionService; firstAdminPassword?: string }> {
  const accounts = new AccountService({
    repository: new MongoAccountRepository(connection),
    hasher: new BcryptHasher(config.bcryptCost),
    passwordPolicy: new ZxcvbnPasswordPolicy(),
    clock,
  });
  const sessions = new SessionService({
    repository: new MongoSessionRepository(connection),
    accounts,
    clock,
    policy: { idleTimeoutMs: config.sessionIdleMs, absoluteTimeoutMs: config.sessionAbsoluteMs },
  });
  const firstAdminPassword = config.bootstrapAdmin
    ? await bootstrapAdmin(accounts, config.defaultLanguage)
    : undefined;
  return { accounts, sessions, ...(firstAdminPassword ? { firstAdminPassword } : {}) };
}

/** The login throttle; its ended windows are purged on the sessions' rhythm (no TTL on FerretDB v1). */
export function wireLoginThrottle(
  connection: Connection,
  config: Config,
  clock: Clock,
  logger: Logger,
): { loginThrottle: LoginThrottle; stop(): void } {
  const loginThrottle = new LoginThrottle({
    store: new MongoThrottleCounters(connection),
    clock,
    policy: config.loginThrottle,
  });
  const purge = setInterval(
    () =>
      void loginThrottle
        .purgeExpired()
        .catch((error: unknown) => logger.error({ err: error }, 'login throttle purge failed')),
    config.sessionCleanupEveryMs,
  );
  purge.unref();
  return { loginThrottle, stop: () => clearInterval(purge) };
}
