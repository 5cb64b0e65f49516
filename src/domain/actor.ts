/** Roles of the people (and the system) acting on procedures. */
export type Role = 'analyst' | 'agent' | 'supervisor' | 'admin';

/** Who performs an action; recorded in the audit trail. */
export interface Actor {
  readonly id: string;
  readonly roles: readonly Role[];
  /** Groups the actor works in (candidate groups of tasks, e.g. lane ids). */
  readonly groups: readonly string[];
}

/** The scheduler acting on behalf of the procedure (timer escalations). */
export const SYSTEM_ACTOR: Actor = { id: 'system:timer', roles: ['admin'], groups: [] };

/** True when the actor has the role, or is an admin. */
export function hasRole(actor: Actor, role: Role): boolean {
  return actor.roles.includes(role) || actor.roles.includes('admin');
}
