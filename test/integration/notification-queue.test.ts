import { randomUUID } from 'node:crypto';
import { connectDatabase } from '../../src/adapters/db/connect.js';
import { bindDeliveryModels } from '../../src/adapters/persistence/delivery-models.js';
import { MongoDeliveryLedger } from '../../src/adapters/persistence/mongo-delivery-ledger.js';
import { MongoOutbox } from '../../src/adapters/persistence/mongo-outbox.js';
import type { OutboxMessage } from '../../src/domain/instance.js';

const message = (id: string, createdAt: string): OutboxMessage => ({
  id,
  instanceId: 'instance-1',
  activityId: 'send-acknowledgement',
  template: 'ticket-acknowledgement',
  to: 'requester',
  language: 'es',
  variables: {},
  createdAt: new Date(createdAt),
});

describe('the queue of messages waiting for delivery', () => {
  test('given messages written before and after the queue existed, then both are pending until finished, oldest first', async () => {
    const db = await connectDatabase(
      process.env.TEST_MONGODB_URI as string,
      `queue_${randomUUID().slice(0, 8)}`,
    );
    try {
      const { id: _legacyId, ...legacy } = message('legacy', '2030-03-04T08:00:00Z');
      await db.models.outbox.create({ _id: 'legacy', ...legacy });
      await new MongoOutbox(db.models).add([message('queued', '2030-03-04T09:00:00Z')]);
      const ledger = new MongoDeliveryLedger(db.models, bindDeliveryModels(db.connection));

      expect(await ledger.listPending(10)).toEqual(['legacy', 'queued']);

      await ledger.finish('legacy', {
        state: 'undeliverable',
        attempt: 0,
        at: new Date('2030-03-04T09:01:00Z'),
        reason: 'test',
      });
      expect(await ledger.listPending(10)).toEqual(['queued']);
      const fresh = new MongoDeliveryLedger(db.models, bindDeliveryModels(db.connection));
      expect(await fresh.listPending(10)).toEqual(['queued']);
      expect(await db.models.outbox.countDocuments({})).toBe(2);
    } finally {
      await db.close();
    }
  });
});
