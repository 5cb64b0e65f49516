import { Router } from 'express';
import { AppError } from '../../domain/errors.js';
import type { TaskStatus } from '../../domain/instance.js';
import { parseIdempotencyKey } from '../../app/idempotency.js';
import type { TaskService } from '../../app/task-service.js';
import { followUpViewOf } from '../../app/task-follow-up.js';
import { actorOf } from '../auth-middleware.js';
import { optionalString } from '../query.js';

const STATUSES: readonly TaskStatus[] = ['open', 'completed', 'cancelled'];

/** Tasks: list (by group, assignee, status, procedure), inspect, claim, unclaim, assign, complete. */
export function tasksRouter(tasks: TaskService): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const status = req.query.status;
    if (status !== undefined && !STATUSES.includes(status as TaskStatus)) {
      throw new AppError('BAD_REQUEST', `status must be one of ${STATUSES.join(', ')}`);
    }
    const list = await tasks.list(
      {
        ...optionalString(req.query, 'candidateGroup'),
        ...optionalString(req.query, 'assignee'),
        ...optionalString(req.query, 'procedureId'),
        ...(status ? { status: status as TaskStatus } : {}),
        limit: Number(req.query.limit ?? 100) || 100,
        followUp: followUpViewOf(req.query.followUp), // `later`/`all`: tasks scheduled for later (ADR 0030)
      },
      actorOf(req),
    );
    res.json(list);
  });

  router.get('/:taskId', async (req, res) => {
    res.json(await tasks.get(req.params.taskId, actorOf(req)));
  });

  router.post('/:taskId/claim', async (req, res) => {
    res.json(await tasks.claim(req.params.taskId, actorOf(req)));
  });

  router.post('/:taskId/unclaim', async (req, res) => {
    res.json(await tasks.unclaim(req.params.taskId, actorOf(req)));
  });

  router.post('/:taskId/assign', async (req, res) => {
    const assignee = (req.body as { assignee?: unknown } | undefined)?.assignee;
    if (typeof assignee !== 'string')
      throw new AppError('BAD_REQUEST', 'body must be { "assignee": "<user>" }');
    res.json(await tasks.assign(req.params.taskId, assignee, actorOf(req)));
  });

  // With an Idempotency-Key, a retry of a completion that committed answers the instance again.
  router.post('/:taskId/complete', async (req, res) => {
    const idempotencyKey = parseIdempotencyKey(req.get('Idempotency-Key'));
    const { engineState: _state, ...instance } = await tasks.complete(
      req.params.taskId,
      req.body ?? {},
      actorOf(req),
      idempotencyKey ? { idempotencyKey } : {},
    );
    res.json(instance);
  });

  return router;
}
