import { createHash, timingSafeEqual } from 'node:crypto';
import type { Actor, Role } from '../../domain/actor.js';
import type { Authenticator } from '../../app/authenticator.js';

const ROLES: readonly Role[] = ['analyst', 'agent', 'supervisor', 'admin'];

/** One configured API token. */
export interface TokenEntry {
  readonly token: string;
  readonly user: string;
  readonly roles: readonly Role[];
  readonly groups?: readonly string[];
}

/**
 * API tokens from configuration (HELPDESK_API_TOKENS). Tokens are compared as
 * SHA-256 digests in constant time. Interactive logins come with the web app.
 */
export class StaticTokenAuthenticator implements Authenticator {
  private readonly entries: { digest: Buffer; actor: Actor }[];

  constructor(entries: readonly TokenEntry[]) {
    this.entries = entries.map((entry) => ({
      digest: digest(entry.token),
      actor: { id: entry.user, roles: entry.roles, groups: entry.groups ?? [] },
    }));
  }

  authenticate(token: string): Actor | null {
    const candidate = digest(token);
    const match = this.entries.find((entry) => timingSafeEqual(entry.digest, candidate));
    return match?.actor ?? null;
  }
}

/** Parses and checks the JSON list of tokens; throws naming the bad entry. */
export function parseTokenEntries(json: string): TokenEntry[] {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) throw new Error('HELPDESK_API_TOKENS must be a JSON array');
  return parsed.map((raw: unknown, index) => {
    const entry = raw as Partial<TokenEntry>;
    if (typeof entry.token !== 'string' || entry.token.length < 16) {
      throw new Error(`HELPDESK_API_TOKENS[${index}]: token must be a string of at least 16 characters`);
    }
    if (typeof entry.user !== 'string' || !entry.user)
      throw new Error(`HELPDESK_API_TOKENS[${index}]: user missing`);
    const roles = entry.roles ?? [];
    const unknown = roles.filter((role) => !ROLES.includes(role));
    if (unknown.length)
      throw new Error(`HELPDESK_API_TOKENS[${index}]: unknown role(s) ${unknown.join(', ')}`);
    return { token: entry.token, user: entry.user, roles, groups: entry.groups ?? [] };
  });
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
