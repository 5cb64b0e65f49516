import { Router } from 'express';
import type { DryRunService } from '../../app/dry-run.js';
import { actorOf } from '../auth-middleware.js';

/**
 * Dry runs of an unsaved diagram (ADR 0031), for analysts:
 * - `POST /api/dry-runs` `{ xml, variables? }` → 201 the state of the throwaway instance;
 * - `GET /api/dry-runs/:instanceId` → its state;
 * - `POST /api/dry-runs/:instanceId/tasks/:taskId/complete` `{ ...task data }` → its state after;
 * - `DELETE /api/dry-runs/:instanceId` → 204, the instance is cancelled.
 */
export function dryRunRouter(dryRuns: DryRunService): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const body = (req.body ?? {}) as { xml?: unknown; variables?: unknown };
    res.status(201).json(await dryRuns.start(body.xml, body.variables, actorOf(req)));
  });

  router.get('/:instanceId', async (req, res) => {
    res.json(await dryRuns.get(req.params.instanceId, actorOf(req)));
  });

  router.post('/:instanceId/tasks/:taskId/complete', async (req, res) => {
    const { instanceId, taskId } = req.params;
    res.json(await dryRuns.complete(instanceId, taskId, req.body ?? {}, actorOf(req)));
  });

  router.delete('/:instanceId', async (req, res) => {
    await dryRuns.end(req.params.instanceId, actorOf(req));
    res.status(204).end();
  });

  return router;
}
