import { hasRole, type Actor, type Role } from '../domain/actor.js';
import { AppError } from '../domain/errors.js';

/** FORBIDDEN unless the actor has the role (admins have every role). */
export function requireRole(actor: Actor, role: Role): void {
  if (!hasRole(actor, role)) throw new AppError('FORBIDDEN', `role <${role}> required`);
}

/** FORBIDDEN unless the actor has one of the roles. */
export function requireAnyRole(actor: Actor, roles: readonly Role[]): void {
  if (!roles.some((role) => hasRole(actor, role))) {
    throw new AppError('FORBIDDEN', `one of the roles <${roles.join(', ')}> required`);
  }
}
