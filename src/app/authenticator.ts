import type { Actor } from '../domain/actor.js';

/** Resolves a bearer credential to the actor it belongs to, or null. */
export interface Authenticator {
  authenticate(token: string): Actor | null;
}
