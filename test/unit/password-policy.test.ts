import bcrypt from 'bcryptjs';
import { BcryptHasher } from '../../src/adapters/auth/bcrypt-hasher.js';
import { ZxcvbnPasswordPolicy } from '../../src/adapters/auth/zxcvbn-password-policy.js';
import { MAX_PASSWORD_BYTES, passwordIssues, personalWords } from '../../src/domain/account.js';
import { isAppError } from '../../src/domain/errors.js';

const policy = new ZxcvbnPasswordPolicy();
const NURIA = { username: 'nuria', displayName: 'Nuria Gilabert', email: 'nuria.gilabert@hospital-sur.org' };

describe('password strength (zxcvbn-ts, score 3 or more)', () => {
  test.each(['aaaaaaaaaa', 'qwertyuiop', '1234567890', 'Password123!', 'iloveyou2024'])(
    'given the common or patterned password %p, then it is refused as weak with advice',
    async (password) => {
      const issues = await policy.issues(password, []);

      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ path: 'password', reason: 'weak' });
      expect(issues[0]?.message).toMatch(
        /^password is too easy to guess \(strength [0-2] of 4, at least 3 needed\): \S/,
      );
    },
  );

  test('given repeated characters, then the advice names them', async () => {
    expect((await policy.issues('aaaaaaaaaa', []))[0]?.message).toContain('Repeated characters like "aaa"');
  });

  test.each(['Gilabert2024!', 'nuriagilabert1', 'NuriaGilabert!'])(
    'given %p, built on the owner own name, then it passes alone but is refused with the owner words',
    async (password) => {
      expect(await policy.issues(password, [])).toEqual([]);
      expect((await policy.issues(password, personalWords(NURIA)))[0]?.message).toContain('personal');
    },
  );

  test('given passphrases of uncommon words, then they pass', async () => {
    expect(await policy.issues('correct horse battery', [])).toEqual([]);
    expect(await policy.issues('nuria-secret-42', personalWords(NURIA))).toEqual([]);
    expect(await policy.issues('larch Quiver 71 tundra', personalWords(NURIA))).toEqual([]);
  });

  test('given an owner, then the words are the username, name and email whole, joined and in parts', () => {
    expect(personalWords(NURIA)).toEqual([
      'nuria',
      'nuria gilabert',
      'nuria.gilabert@hospital-sur.org',
      'nuriagilabert',
      'nuriagilaberthospitalsurorg',
      'gilabert',
      'hospital',
      'sur',
      'org',
    ]);
  });
});

describe("bcrypt's 72-byte limit", () => {
  const accented = 'é'.repeat(36); // 36 characters, 72 bytes in UTF-8
  const tooLong = `${accented}x`; // 73 bytes

  test('given 72 UTF-8 bytes, then the length rules pass; 73 bytes are refused naming the byte count', () => {
    expect(passwordIssues(accented)).toEqual([]);
    expect(passwordIssues(tooLong)).toEqual([
      {
        path: 'password',
        reason: 'maxBytes',
        message: `password must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8 (it has 73); bcrypt ignores the rest`,
      },
    ]);
  });

  test('given a password over 72 bytes, when it is hashed, then VALIDATION_FAILED instead of a silently cut hash', async () => {
    const hasher = new BcryptHasher(4);

    const error = await hasher.hash(tooLong).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(isAppError(error) && error.code).toBe('VALIDATION_FAILED');
    expect(isAppError(error) && error.details[0]?.reason).toBe('maxBytes');
  });

  test('given a hash made before the limit from a longer password, then that password still verifies', async () => {
    const hasher = new BcryptHasher(4);
    const legacy = await bcrypt.hash(`${'x'.repeat(80)}-old`, 4);

    expect(await hasher.verify(`${'x'.repeat(80)}-old`, legacy)).toBe(true);
    expect(await hasher.verify('x'.repeat(71), legacy)).toBe(false);
  });
});
