import { Router } from 'express';
import type { InstanceService } from '../../app/instance-service.js';
import { actorOf } from '../auth-middleware.js';
import { optionalString } from '../query.js';

/** Instances: list, inspect (state, variables, audit trail, tasks), cancel, retry an incident. */
export function instancesRouter(instances: InstanceService): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const list = await instances.list(
      {
        ...optionalString(req.query, 'procedureId'),
        ...optionalString(req.query, 'status'),
        limit: Number(req.query.limit ?? 100) || 100,
      },
      actorOf(req),
    );
    res.json(list);
  });

  router.get('/:instanceId', async (req, res) => {
    res.json(await instances.get(req.params.instanceId, actorOf(req)));
  });

  router.post('/:instanceId/cancel', async (req, res) => {
    const reason = typeof req.body?.reason === 'string' ? req.body.reason.slice(0, 2000) : '';
    const { engineState: _state, ...view } = await instances.cancel(
      req.params.instanceId,
      reason,
      actorOf(req),
    );
    res.json(view);
  });

  router.post('/:instanceId/retry', async (req, res) => {
    const { engineState: _state, ...view } = await instances.retry(req.params.instanceId, actorOf(req));
    res.json(view);
  });

  return router;
}
