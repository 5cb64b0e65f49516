import type { RequestHandler } from 'express';
import { hasRole, type Role } from '../../../domain/actor.js';
import { AppError } from '../../../domain/errors.js';
import { webUser, type RequirePageRole } from '../page.js';

/**
 * The page kit's role guard: passes when the user has one of the roles (admins
 * have all); otherwise FORBIDDEN, which the error pages render as the 403 page.
 */
export const requirePageRole: RequirePageRole =
  (...roles: Role[]): RequestHandler =>
  (req, _res, next) => {
    const user = webUser(req);
    if (roles.some((role) => hasRole(user, role))) return next();
    next(new AppError('FORBIDDEN', `this page needs one of the roles <${roles.join(', ')}>`));
  };
