import { randomUUID } from 'node:crypto';
import { connectDatabase, type Database } from '../../src/adapters/db/connect.js';
import { backfillOpenWork } from '../../src/adapters/persistence/open-work-backfill.js';

/** A database written before the open-work collections (ADR 0017) gets them filled once at startup. */
describe('open-work backfill', () => {
  let db: Database;
  beforeAll(async () => {
    db = await connectDatabase(process.env.TEST_MONGODB_URI!, `t_${randomUUID().slice(0, 8)}`);
  });
  afterAll(async () => {
    await db.connection.dropDatabase();
    await db.close();
  });

  test('given heads and tasks from before, when backfilled, then open ones and recent closed ones are listed, once', async () => {
    const now = new Date('2030-05-10T10:00:00Z');
    const head = (id: string, status: string, endedAt?: Date) => ({
      _id: id,
      procedureId: 'p',
      definitionId: 'p@1',
      businessKey: `P-${id}`,
      seq: 2,
      status,
      engineState: '{}',
      variables: {},
      timers: [],
      activeActivities: [],
      completedActivities: [],
      openTaskIds: [],
      startedAt: new Date('2030-05-01T00:00:00Z'),
      startedBy: 'ana',
      updatedAt: now,
      ...(endedAt ? { endedAt } : {}),
    });
    await db.models.instances.insertMany([
      head('running-1', 'running'),
      head('incident-1', 'incident'),
      head('closed-recent', 'completed', new Date('2030-05-09T00:00:00Z')),
      head('closed-old', 'completed', new Date('2030-03-01T00:00:00Z')),
    ]);
    await db.models.tasks.insertMany([
      { _id: 'running-1:t', instanceId: 'running-1', status: 'open', candidateGroups: ['l1'], seq: 1 },
      {
        _id: 'closed-recent:t',
        instanceId: 'closed-recent',
        status: 'completed',
        candidateGroups: [],
        seq: 2,
      },
    ]);

    const looked = await backfillOpenWork(db.models, now);
    const again = await backfillOpenWork(db.models, now);

    expect(looked).toBe(4);
    expect(again).toBe(0);
    const ids = async (model: typeof db.models.openTasks) =>
      (await model.find({}, { _id: 1 }).lean()).map((doc) => String(doc._id)).sort();
    expect(await ids(db.models.openInstances)).toEqual(['incident-1', 'running-1']);
    expect(await ids(db.models.openTasks)).toEqual(['running-1:t']);
    expect(await ids(db.models.recentClosed)).toEqual(['closed-recent']);
    const row = await db.models.openInstances.findById('running-1').lean();
    expect(row).not.toHaveProperty('engineState');
  });
});
