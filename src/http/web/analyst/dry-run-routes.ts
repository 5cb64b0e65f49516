import express, { Router } from 'express';
import type { DryRunService } from '../../../app/dry-run.js';
import { webUser } from '../page.js';
import { sendError } from './deploy-outcome.js';

/** A diagram is at most 512 KiB for a dry run (DryRunService refuses more, naming `xml`). */
const JSON_BODY = express.json({ limit: '1mb' });

/**
 * The modeler's "Dry run" (issue 13, ADR 0031) with the analyst's web session (CSRF header), the
 * same shapes as `/api/dry-runs`:
 * - `POST /analyst/dry-runs` `{ xml, variables? }` → 201 the throwaway instance's state;
 * - `GET /analyst/dry-runs/:instanceId` → its state;
 * - `POST /analyst/dry-runs/:instanceId/tasks/:taskId/complete` `{ ...task data }` → its state after;
 * - `DELETE /analyst/dry-runs/:instanceId` → 204, the run is discarded (instance cancelled).
 * Errors answer `{ error: { code, message, details } }` with the table's status.
 */
export function dryRunRoutes(dryRuns: DryRunService): Router {
  const router = Router();

  router.post('/dry-runs', JSON_BODY, async (req, res) => {
    try {
      const body = (req.body ?? {}) as { xml?: unknown; variables?: unknown };
      res.status(201).json(await dryRuns.start(body.xml, body.variables, webUser(req)));
    } catch (error) {
      sendError(res, error);
    }
  });

  router.get('/dry-runs/:instanceId', async (req, res) => {
    try {
      res.json(await dryRuns.get(req.params.instanceId, webUser(req)));
    } catch (error) {
      sendError(res, error);
    }
  });

  router.post('/dry-runs/:instanceId/tasks/:taskId/complete', JSON_BODY, async (req, res) => {
    try {
      const { instanceId, taskId } = req.params;
      res.json(await dryRuns.complete(instanceId, taskId, req.body ?? {}, webUser(req)));
    } catch (error) {
      sendError(res, error);
    }
  });

  router.delete('/dry-runs/:instanceId', async (req, res) => {
    try {
      await dryRuns.end(req.params.instanceId, webUser(req));
      res.status(204).end();
    } catch (error) {
      sendError(res, error);
    }
  });

  return router;
}
