import { randomUUID } from 'node:crypto';
import { connectDatabase, type Database } from '../../../src/adapters/db/connect.js';
import { MongoMailboxLedger } from '../../../src/adapters/mail/imap-ledger.js';
import type { Claim } from '../../../src/app/mailbox-ports.js';

/**
 * The mailbox claims (ADR 0029, 2026-11-29) on a real database: a poller whose work outlasted the
 * lease, whose claim another poller retook, must not drop the new holder's claim when it fails.
 */
describe('mailbox ledger claims', () => {
  let db: Database;
  beforeAll(async () => {
    db = await connectDatabase(process.env.TEST_MONGODB_URI!, `t_${randomUUID().slice(0, 8)}`);
  });
  afterAll(async () => {
    await db.connection.dropDatabase();
    await db.close();
  });

  const at = (minutes: number) => new Date(Date.UTC(2026, 10, 29, 10, minutes));
  const tokenOf = (claim: Claim): string => {
    if (claim.result !== 'claimed') throw new Error(`expected a claim, got ${claim.result}`);
    return claim.token;
  };

  test('given poller A past its lease and B holding the retaken claim, when A fails and releases, then B keeps the claim and a third poll is told it is held', async () => {
    const ledger = new MongoMailboxLedger(db.connection);
    const key = `move:${randomUUID()}`;
    const a = tokenOf(await ledger.claim(key, at(0)));
    const b = tokenOf(await ledger.claim(key, at(3))); // A's lease of 2 minutes is over

    await ledger.release(key, a); // A's move failed late

    expect(b).not.toBe(a);
    expect((await ledger.claim(key, at(4))).result).toBe('held');

    await ledger.release(key, b); // B's own release still works
    expect((await ledger.claim(key, at(4))).result).toBe('claimed');
  });

  test('given a stale claim, when several pollers retake it at once, then exactly one gets it', async () => {
    const ledger = new MongoMailboxLedger(db.connection);
    const key = `reply:${randomUUID()}`;
    tokenOf(await ledger.claim(key, at(0)));

    const results = await Promise.all(
      Array.from({ length: 6 }, () => new MongoMailboxLedger(db.connection).claim(key, at(5))),
    );

    expect(results.filter((claim) => claim.result === 'claimed')).toHaveLength(1);
    expect(results.filter((claim) => claim.result === 'held')).toHaveLength(5);
  });

  test('given a released claim, when released again with the same token, then the next holder keeps its claim', async () => {
    const ledger = new MongoMailboxLedger(db.connection);
    const key = `move:${randomUUID()}`;
    const first = tokenOf(await ledger.claim(key, at(0)));
    await ledger.release(key, first);
    const second = tokenOf(await ledger.claim(key, at(0)));

    await ledger.release(key, first); // a repeated release of the old holding

    expect((await ledger.claim(key, at(1))).result).toBe('held');
    await ledger.done(key, at(1));
    await ledger.release(key, second); // done work is never released
    expect((await ledger.claim(key, at(9))).result).toBe('done');
  });
});
