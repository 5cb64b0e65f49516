import { Router } from 'express';
import { parseIdempotencyKey } from '../../app/idempotency.js';
import { parseMessageInput } from '../../app/message-input.js';
import type { MessageService } from '../../app/message-service.js';
import type { InstanceRecord } from '../../domain/instance.js';
import { actorOf } from '../auth-middleware.js';

/**
 * Messages and signals (ADR 0018): deliver a message to one instance, correlate one by business
 * key or variable (or start a procedure by message), broadcast a signal. Each takes an
 * `Idempotency-Key` header like starts and completions.
 */
export function messagesRouter(messages: MessageService): Router {
  const router = Router();

  router.post('/instances/:instanceId/messages', async (req, res) => {
    const key = parseIdempotencyKey(req.get('Idempotency-Key'));
    const input = parseMessageInput(req.body, false);
    res.json(lean(await messages.deliver(req.params.instanceId, input, actorOf(req), key)));
  });

  router.post('/messages', async (req, res) => {
    const key = parseIdempotencyKey(req.get('Idempotency-Key'));
    const input = parseMessageInput(req.body, true);
    const { result, instance } = await messages.correlate(input, actorOf(req), key);
    res.status(result === 'started' ? 201 : 200).json({ result, instance: lean(instance) });
  });

  router.post('/signals', async (req, res) => {
    const key = parseIdempotencyKey(req.get('Idempotency-Key'));
    const input = parseMessageInput(req.body, false);
    const receipts = await messages.broadcast(input, actorOf(req), key);
    res.json({
      name: input.name,
      delivered: receipts.filter((r) => !r.error),
      skipped: receipts.filter((r) => r.error),
    });
  });

  return router;
}

function lean(instance: InstanceRecord): Omit<InstanceRecord, 'engineState'> {
  const { engineState: _state, ...rest } = instance;
  return rest;
}
