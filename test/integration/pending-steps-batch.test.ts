import { randomUUID } from 'node:crypto';
import { systemClock } from '../../src/adapters/clock/system-clock.js';
import { connectDatabase, type Database } from '../../src/adapters/db/connect.js';
import { MongoPendingSteps } from '../../src/adapters/persistence/mongo-pending-steps.js';
import { waitFor } from '../support/wait.js';

/** Markers of settled steps go in batches (ADR 0014, amended): one delete for many steps. */
describe('pending-step markers of settled steps', () => {
  let database: Database;
  let pending: MongoPendingSteps;
  const count = () => database.connection.db!.collection('pending_steps').countDocuments();

  beforeAll(async () => {
    database = await connectDatabase(process.env.TEST_MONGODB_URI!, `t_${randomUUID().slice(0, 8)}`);
    pending = new MongoPendingSteps(database.connection, systemClock);
    await pending.init();
  });
  afterAll(() => database?.close());

  test('given three settled steps, then their markers are gone within a second, without an explicit flush', async () => {
    for (let seq = 1; seq <= 3; seq++) await pending.mark('ticket-a', seq);
    expect(await count()).toBe(3);

    for (let seq = 1; seq <= 3; seq++) pending.settled('ticket-a', seq);

    expect(await waitFor(async () => ((await count()) === 0 ? true : undefined), 1_000, 50)).toBe(true);
  });

  test('given 1,200 settled steps and a step still in flight, when flushed, then only the in-flight marker stays', async () => {
    for (let seq = 1; seq <= 1_201; seq++) await pending.mark('ticket-b', seq);
    for (let seq = 1; seq <= 1_200; seq++) pending.settled('ticket-b', seq);

    await pending.flush();

    const left = await pending.listStale(0, 10);
    expect(left.map(({ instanceId, seq }) => `${instanceId}:${seq}`)).toEqual(['ticket-b:1201']);
  }, 60_000);
});
