import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connectDatabase, type Database } from '../../../src/adapters/db/connect.js';
import { ChildApp } from '../../support/child-app.js';
import { FIXTURES, startTestApp, type TestApp } from '../../support/harness.js';
import { ManualClock } from '../../support/manual-clock.js';

const xml = readFileSync(`${FIXTURES}/processes/review-request.bpmn`, 'utf8');
const intake = {
  requesterName: 'Ada',
  requesterEmail: 'ada@example.org',
  phone: '+34 600 000 000',
  channel: 'phone',
};

/**
 * A dry run is registered before its procedure and instance exist (ADR 0035), so a process that
 * dies half-way through starting one leaves a row the expiry sweep of any process ends.
 */
describe('dry run of a process that dies while starting it', () => {
  const dbName = `t_${randomUUID().slice(0, 8)}`;
  let child: ChildApp;
  let survivor: TestApp;
  let database: Database;

  beforeAll(async () => {
    child = await ChildApp.start(dbName, 60_000, {
      env: { HELPDESK_FAULT_KILL_AT: 'after-commit', HELPDESK_FAULT_KILL_PROBABILITY: '1' },
    });
    database = await connectDatabase(process.env.TEST_MONGODB_URI!, dbName);
  }, 60_000);
  afterAll(async () => {
    await database?.close();
    await Promise.all([child?.stop(), survivor?.stop()]);
  });

  test('given the process dies right after committing the throwaway ticket, when the run expires, then another process cancels it and removes its row', async () => {
    const started = await child
      .call('analyst', 'POST', '/api/dry-runs', { xml, variables: intake })
      .catch((error: unknown) => error);
    // The request dies with the process (fetch fails; an Error of another realm under Jest).
    expect(started).toHaveProperty('message', 'fetch failed');
    await child.stop();
    const rows = await database.connection.db!.collection('dry_runs').find({}).toArray();
    expect(rows).toHaveLength(1);
    const instanceId = String(rows[0]!._id);
    expect(
      await database.connection
        .db!.collection('instance_events')
        .findOne({ _id: `${instanceId}:1` as never }),
    ).not.toBeNull();

    survivor = await startTestApp({ dbName, clock: new ManualClock(new Date(Date.now() + 2 * 3_600_000)) });
    const next = await survivor.call('analyst', 'POST', '/api/dry-runs', { xml, variables: intake });
    expect(next.status).toBe(201);

    const ended = await survivor.call('analyst', 'GET', `/api/dry-runs/${instanceId}`);
    expect(ended.body).toMatchObject({ status: 'cancelled', tasks: [] });
    expect(
      await database.connection.db!.collection('dry_runs').findOne({ _id: instanceId as never }),
    ).toBeNull();
  }, 90_000);
});
