import { hasRole, type Actor } from '../domain/actor.js';
import type { Clock } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import { bookkeepingTransition } from './build-transition.js';
import type { DefinitionsService } from './definitions-service.js';
import type { InstanceLog } from './instance-log.js';
import type { RequesterLinks } from './requester-links.js';
import { retryOnConflict } from './retry.js';

/** Audit type of a supervisor's revocation of a ticket's requester links. */
export const LINKS_REVOKED_EVENT = 'requester.links-revoked';

/** Collaborators of the revocation. */
export interface RevokeDeps {
  readonly links: RequesterLinks;
  readonly log: InstanceLog;
  readonly definitions: Pick<DefinitionsService, 'byId'>;
  readonly clock: Clock;
}

/**
 * A supervisor revokes every requester link of the ticket issued so far (docs/adr/0025): one
 * `_id` write of the revocation instant (no scan of the links), audited as `requester.links-revoked`.
 * Links mailed later (a new notice, a `/track` request) work again.
 */
export async function revokeRequesterLinks(
  deps: RevokeDeps,
  instanceId: string,
  actor: Actor,
): Promise<void> {
  if (!hasRole(actor, 'supervisor'))
    throw new AppError('FORBIDDEN', 'role <supervisor> required to revoke links');
  await deps.log.load(instanceId); // INSTANCE_NOT_FOUND first
  await deps.links.revokeAll(instanceId, actor.id);
  await retryOnConflict(() =>
    deps.log.exclusive(instanceId, async () => {
      const previous = await deps.log.load(instanceId);
      const { catalog } = await deps.definitions.byId(previous.definitionId);
      const step = { previous, catalog, actor, now: deps.clock.now(), type: LINKS_REVOKED_EVENT, data: {} };
      await deps.log.commit(bookkeepingTransition(step, {}));
    }),
  );
}
