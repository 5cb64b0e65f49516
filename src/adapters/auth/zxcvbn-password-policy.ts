import type { ZxcvbnFactory, ZxcvbnResult } from '@zxcvbn-ts/core';
import type { PasswordPolicy } from '../../app/account-ports.js';
import type { FieldIssue } from '../../domain/errors.js';

/** Lowest zxcvbn score accepted: 3 = "safely unguessable" (about 10^8 guesses or more). */
export const DEFAULT_MIN_PASSWORD_SCORE = 3;

let shared: Promise<ZxcvbnFactory> | undefined;

/**
 * One estimator per process, loaded at the first password check: the dictionaries take a moment
 * and some memory, and most processes (and tests) never check a password.
 */
function estimator(): Promise<ZxcvbnFactory> {
  shared ??= Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ]).then(
    ([core, common, english]) =>
      new core.ZxcvbnFactory({
        dictionary: { ...common.dictionary, ...english.dictionary },
        graphs: common.adjacencyGraphs,
        translations: english.translations,
      }),
  );
  return shared;
}

/**
 * Password strength by zxcvbn-ts (common and English dictionaries, keyboard patterns,
 * dates, repeats, l33t; the owner's own words as extra dictionary). Levenshtein
 * matching stays off: it costs about 0.3 s per check.
 */
export class ZxcvbnPasswordPolicy implements PasswordPolicy {
  constructor(private readonly minScore: number = DEFAULT_MIN_PASSWORD_SCORE) {}

  async issues(password: string, personalWords: readonly string[]): Promise<FieldIssue[]> {
    const result = (await estimator()).check(password, [...personalWords]);
    if (result.score >= this.minScore) return [];
    return [
      {
        path: 'password',
        reason: 'weak',
        message: `password is too easy to guess (strength ${result.score} of 4, at least ${this.minScore} needed)${advice(result)}`,
      },
    ];
  }
}

function advice(result: ZxcvbnResult): string {
  const lines = [result.feedback.warning, ...result.feedback.suggestions].filter((line): line is string =>
    Boolean(line),
  );
  return lines.length ? `: ${lines.join(' ')}` : '';
}
