import express, { Router } from 'express';
import { AppError } from '../../domain/errors.js';
import type { DefinitionsService } from '../../app/definitions-service.js';
import { parseIdempotencyKey } from '../../app/idempotency.js';
import type { InstanceService } from '../../app/instance-service.js';
import { requireAnyRole } from '../../app/authorization.js';
import { actorOf } from '../auth-middleware.js';

const MAX_BPMN_BYTES = '5mb';

/** Procedure definitions: list, inspect, download, deploy a new version, start an instance. */
export function proceduresRouter(definitions: DefinitionsService, instances: InstanceService): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    const list = await definitions.list();
    res.json(
      list.map(({ id, procedureId, version, catalog, deployedAt, deployedBy }) => ({
        id,
        procedureId,
        version,
        name: catalog.name,
        deployedAt,
        deployedBy,
      })),
    );
  });

  router.get('/:procedureId', async (req, res) => {
    const { xml: _xml, ...version } = await definitions.current(req.params.procedureId);
    res.json(version);
  });

  router.get('/:procedureId/versions', async (req, res) => {
    await definitions.current(req.params.procedureId);
    res.json(await definitions.versions(req.params.procedureId));
  });

  router.get('/:procedureId/xml', async (req, res) => {
    const versionParam = req.query.version;
    const version =
      typeof versionParam === 'string'
        ? await definitions.byId(`${req.params.procedureId}@${versionParam}`)
        : await definitions.current(req.params.procedureId);
    res
      .type('application/xml')
      .attachment(`${version.procedureId}-v${version.version}.bpmn`)
      .send(version.xml);
  });

  router.put(
    '/:procedureId',
    express.text({
      type: ['application/xml', 'text/xml', 'application/bpmn+xml', 'text/plain'],
      limit: MAX_BPMN_BYTES,
    }),
    async (req, res) => {
      const actor = actorOf(req);
      requireAnyRole(actor, ['analyst']);
      if (typeof req.body !== 'string' || !req.body.trim()) {
        throw new AppError(
          'BAD_REQUEST',
          'send the BPMN XML as the request body with Content-Type application/xml',
        );
      }
      const { version, created } = await definitions.deploy(req.params.procedureId, req.body, actor);
      const { xml: _xml, ...meta } = version;
      res.status(created ? 201 : 200).json({ ...meta, created });
    },
  );

  // With an Idempotency-Key, a retried start answers the ticket the first attempt opened.
  router.post('/:procedureId/instances', async (req, res) => {
    const idempotencyKey = parseIdempotencyKey(req.get('Idempotency-Key'));
    const options = idempotencyKey ? { idempotencyKey } : {};
    const instance = await instances.start(req.params.procedureId, req.body ?? {}, actorOf(req), options);
    const { engineState: _state, ...view } = instance;
    res.status(201).json(view);
  });

  return router;
}
