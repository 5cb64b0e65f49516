import { compare, hash } from 'bcryptjs';
import type { PasswordHasher } from '../../app/account-ports.js';

/** Cost of new hashes in production (2^12 rounds, ~0.25 s on a small server). */
export const DEFAULT_BCRYPT_COST = 12;

/** bcrypt password hashing (bcryptjs, pure JavaScript). */
export class BcryptHasher implements PasswordHasher {
  /** A hash of a random string: unknown users are checked against it so they take as long as known ones. */
  private readonly decoy: Promise<string>;

  constructor(private readonly cost: number = DEFAULT_BCRYPT_COST) {
    this.decoy = hash(`decoy-${Math.random()}`, cost);
  }

  hash(password: string): Promise<string> {
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
