import type { Request, RequestHandler } from 'express';
import type { Actor } from '../domain/actor.js';
import { AppError } from '../domain/errors.js';
import type { Authenticator } from '../app/authenticator.js';

const ACTOR = Symbol('actor');

/** Requires `Authorization: Bearer <token>` and attaches the actor to the request. */
export function requireActor(authenticator: Authenticator): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const actor = match?.[1] ? authenticator.authenticate(match[1]) : null;
    if (!actor) return next(new AppError('UNAUTHENTICATED', 'a valid bearer token is required'));
    (req as unknown as Record<symbol, Actor>)[ACTOR] = actor;
    next();
  };
}

/** The actor attached by `requireActor`. */
export function actorOf(req: Request): Actor {
  const actor = (req as unknown as Record<symbol, Actor | undefined>)[ACTOR];
  if (!actor) throw new AppError('UNAUTHENTICATED', 'a valid bearer token is required');
  return actor;
}
