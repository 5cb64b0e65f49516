import { Router } from 'express';
import type { MigrationService } from '../../app/migration.js';
import { actorOf } from '../auth-middleware.js';

/**
 * Instance migration (ADR 0031), for supervisors and analysts. Body of both:
 * `{ procedureId, fromVersion, toVersion, mapping: { <source activity>: <target activity> },
 *    mapEqualActivities?: true, instanceIds?: [...] }`.
 * - `POST /api/migrations/preview` → `{ procedureId, from, to, total, notShown, tickets: [{
 *   instanceId, businessKey, canMove, reasons, reasonCodes, moves, notes, noteCodes }] }`: the
 *   first batch (`HELPDESK_MIGRATION_BATCH`, 500) is listed, `notShown` counts the others;
 * - `POST /api/migrations` → every ticket of the version, moved batch after batch, each with `migrated`.
 */
export function migrationRouter(migrations: MigrationService): Router {
  const router = Router();

  router.post('/preview', async (req, res) => {
    res.json(await migrations.preview(req.body, actorOf(req)));
  });

  router.post('/', async (req, res) => {
    res.json(await migrations.migrate(req.body, actorOf(req)));
  });

  return router;
}
