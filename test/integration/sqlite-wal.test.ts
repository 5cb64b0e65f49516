import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import {
  EmbeddedFerretDb,
  GO_GC_PERCENT,
  WAL_SIZE_LIMIT_BYTES,
} from '../../src/adapters/db/embedded-ferretdb.js';

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

/** The environment of the FerretDB process listening on `port` (Linux /proc). */
function environmentOfListener(port: number): Record<string, string> {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let command: string;
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    if (!command.includes(`--listen-addr=127.0.0.1:${port}`)) continue;
    const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
    return Object.fromEntries(
      entries.map((entry) => [entry.split('=')[0], entry.slice(entry.indexOf('=') + 1)]),
    );
  }
  throw new Error(`no process listens on ${port}`);
}

describe('embedded database process', () => {
  test('given no GOGC in the environment, then FerretDB runs with a GC target of 400; given one, then that one', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'helpdesk-gogc-'));
    const saved = process.env.GOGC;
    const gcOf = async (gogc: string | undefined) => {
      if (gogc === undefined) delete process.env.GOGC;
      else process.env.GOGC = gogc;
      const port = await freePort();
      const db = new EmbeddedFerretDb({ dataDir, port });
      await db.start();
      try {
        return environmentOfListener(port).GOGC;
      } finally {
        await db.stop();
      }
    };
    try {
      expect(GO_GC_PERCENT).toBe('400');
      expect(await gcOf(undefined)).toBe('400');
      expect(await gcOf('150')).toBe('150');
    } finally {
      if (saved === undefined) delete process.env.GOGC;
      else process.env.GOGC = saved;
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
