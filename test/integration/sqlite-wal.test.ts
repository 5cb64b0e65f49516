import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { EmbeddedFerretDb, WAL_SIZE_LIMIT_BYTES } from '../../src/adapters/db/embedded-ferretdb.js';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });

describe('embedded database write-ahead log', () => {
  test('given a write burst while an open cursor pins the log, when the cursor closes and writes go on, then the -wal file is cut back to the limit', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'helpdesk-wal-'));
    const db = new EmbeddedFerretDb({ dataDir, port: await freePort() });
    await db.start();
    const client = await MongoClient.connect(db.uri);
    try {
      const docs = client.db('walburst').collection('docs');
      const walBytes = () => statSync(path.join(dataDir, 'walburst.sqlite-wal')).size;
      await docs.insertMany(Array.from({ length: 20 }, (_, i) => ({ seed: i })));
      // An unfinished cursor holds a read snapshot: no checkpoint can pass it, as under load.
      const cursor = docs.find({}).batchSize(2);
      await cursor.next();
      const pad = 'x'.repeat(2000);
      for (let round = 0; round < 4; round += 1) {
        await docs.insertMany(Array.from({ length: 2000 }, (_, i) => ({ round, i, pad })));
      }
      const peak = walBytes();
      await cursor.close();

      for (let i = 0; i < 4; i += 1) {
        await docs.insertOne({ after: i });
        await new Promise((resolve) => setTimeout(resolve, 300));
      }

      expect(peak).toBeGreaterThan(2 * WAL_SIZE_LIMIT_BYTES);
      expect(walBytes()).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES + 1024 * 1024);
    } finally {
      await client.close();
      await db.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
