import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import type { PasswordPolicy } from '../../app/account-ports.js';
import type { FieldIssue } from '../../domain/errors.js';

/** Lowest zxcvbn score accepted: 3 = "safely unguessable" (about 10^8 guesses or more). */
export const DEFAULT_MIN_PASSWORD_SCORE = 3;

let shared: ZxcvbnFactory | undefined;

/** One estimator per process: loading the dictionaries takes a moment and some memory. */
function estimator(): ZxcvbnFactory {
  shared ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  });
  return shared;
}

/**
 * Password strength by zxcvbn-ts (common and English dictionaries, keyboard patterns,
 * dates, repeats, l33t; the owner's own words as extra dictionary). Levenshtein
 * matching stays off: it costs about 0.3 s per check.
 */
export class ZxcvbnPasswordPolicy implements PasswordPolicy {
  constructor(private readonly minScore: number = DEFAULT_MIN_PASSWORD_SCORE) {}

  issues(password: string, personalWords: readonly string[]): FieldIssue[] {
    const result = estimator().check(password, [...personalWords]);
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
