import { userCandidate } from '../../../domain/sla/camunda-task.js';

const USER_CANDIDATE_PREFIX = userCandidate('');

/** Reads an account's display name by id (the account service's `_id` read). */
export interface AccountNames {
  activeAccount(id: string): Promise<{ readonly displayName: string } | null>;
}

/** Most distinct users one page looks up (the rest show their user id). */
const MAX_LOOKUPS = 50;

/**
 * Candidate "groups" as people read them: lane names stay, `user:<id>` entries (from
 * `camunda:candidateUsers`, ADR 0031) become the user's display name, or the bare user id when the
 * account is unknown, disabled or no account reader is given. One lookup per distinct user.
 */
export async function readableCandidates(
  labels: readonly (readonly string[])[],
  accounts?: AccountNames,
): Promise<string[][]> {
  const ids = [...new Set(labels.flat().filter(isUserCandidate).map(userIdOf))].slice(0, MAX_LOOKUPS);
  const names = new Map<string, string>();
  if (accounts) {
    await Promise.all(
      ids.map(async (id) => {
        const account = await accounts.activeAccount(id.trim().toLowerCase()).catch(() => null);
        if (account?.displayName) names.set(id, account.displayName);
      }),
    );
  }
  return labels.map((list) =>
    list.map((label) => (isUserCandidate(label) ? (names.get(userIdOf(label)) ?? userIdOf(label)) : label)),
  );
}

function isUserCandidate(label: string): boolean {
  return label.startsWith(USER_CANDIDATE_PREFIX) && label.length > USER_CANDIDATE_PREFIX.length;
}

function userIdOf(label: string): string {
  return label.slice(USER_CANDIDATE_PREFIX.length);
}
