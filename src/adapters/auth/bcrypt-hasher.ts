import { compare, hash, truncates } from 'bcryptjs';
import type { PasswordHasher } from '../../app/account-ports.js';
import { MAX_PASSWORD_BYTES } from '../../domain/account.js';
import { AppError } from '../../domain/errors.js';

/** Cost of new hashes in production (2^12 rounds, ~0.25 s on a small server). */
export const DEFAULT_BCRYPT_COST = 12;

/**
 * bcrypt password hashing (bcryptjs, pure JavaScript). bcrypt reads only the first
 * 72 UTF-8 bytes, so new hashes of longer passwords are refused rather than silently
 * cut (the account rules refuse them first, with a field error). Verifying keeps
 * bcrypt's own behaviour so hashes made before that rule still match (docs/adr/0013).
 */
export class BcryptHasher implements PasswordHasher {
  /** A hash of a random string: unknown users are checked against it so they take as long as known ones. */
  private readonly decoy: Promise<string>;

  constructor(private readonly cost: number = DEFAULT_BCRYPT_COST) {
    this.decoy = hash(`decoy-${Math.random()}`, cost);
  }

  async hash(password: string): Promise<string> {
    if (truncates(password))
      throw new AppError(
        'VALIDATION_FAILED',
        `password must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8; bcrypt ignores the rest`,
        [
          {
            path: 'password',
            reason: 'maxBytes',
            message: `password is longer than ${MAX_PASSWORD_BYTES} bytes`,
          },
        ],
      );
    return hash(password, this.cost);
  }

  async verify(password: string, stored: string | undefined): Promise<boolean> {
    if (stored === undefined) {
      await compare(password, await this.decoy);
      return false;
    }
    return compare(password, stored);
  }
}
