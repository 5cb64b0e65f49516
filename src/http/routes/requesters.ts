import { Router, type Request } from 'express';
import type { RequesterDirectory, RequesterQuery } from '../../app/requester-directory.js';
import type { Actor } from '../../domain/actor.js';
import { AppError } from '../../domain/errors.js';
import type { Requester } from '../../domain/requester.js';
import { formFill } from '../../domain/requester-form.js';
import { actorOf } from '../auth-middleware.js';

/** A requester as lookups answer it, with the start-form values it fills (`fill`: form key → value). */
export interface RequesterMatch {
  readonly requester: Omit<Requester, 'tickets'> & { readonly ticketCount: number };
  readonly fill: Record<string, string>;
}

/** The match view of a requester. */
export function matchOf(requester: Requester): RequesterMatch {
  const { tickets, ...rest } = requester;
  return { requester: { ...rest, ticketCount: tickets.length }, fill: formFill(requester) };
}

/** The lookup parameters of a request: exactly one of `phone`, `email`, `q`. */
export function lookupQuery(req: Request): RequesterQuery {
  const given = (['phone', 'email', 'q'] as const).flatMap((name) => {
    const value = req.query[name];
    if (value === undefined || value === '') return [];
    if (typeof value !== 'string' || value.length > 200)
      throw new AppError('BAD_REQUEST', `query parameter <${name}> must be text of at most 200 characters`, [
        { path: name, reason: 'maxLength', message: 'at most 200 characters' },
      ]);
    return [[name, value] as const];
  });
  if (given.length !== 1)
    throw new AppError('BAD_REQUEST', 'requester lookup needs exactly one of <phone>, <email>, <q>', [
      { path: 'phone', reason: 'required', message: 'give phone, email or q' },
    ]);
  return Object.fromEntries(given) as RequesterQuery;
}

/**
 * The lookup answer: by phone or email the one match (`{ requester, fill }`) or REQUESTER_NOT_FOUND
 * naming what was looked for; by name `{ matches: [...] }`.
 */
export async function lookupAnswer(
  directory: RequesterDirectory,
  query: RequesterQuery,
  actor: Actor,
): Promise<RequesterMatch | { matches: RequesterMatch[] }> {
  const found = await directory.lookup(query, actor);
  if (query.q !== undefined) return { matches: found.map(matchOf) };
  const first = found[0];
  if (!first) {
    const what = query.phone !== undefined ? `phone ${query.phone}` : `email ${query.email ?? ''}`;
    throw new AppError('REQUESTER_NOT_FOUND', `no requester with ${what.slice(0, 120)}`);
  }
  return matchOf(first);
}

/** `GET /api/requesters/lookup?phone=|email=|q=` (agent, supervisor; docs/adr/0030): the telephony screen-pop's lookup. */
export function requestersRouter(directory: RequesterDirectory): Router {
  const router = Router();
  router.get('/lookup', async (req, res) => {
    res.json(await lookupAnswer(directory, lookupQuery(req), actorOf(req)));
  });
  return router;
}
