import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { buildTestBundles } from './test-bundles.js';

/** Builds the browser bundles, then starts one embedded FerretDB for the whole run, unless MONGODB_URI points at a real server. */
export default async function globalSetup() {
  // The browser bundles (public/build/, git-ignored) the analyst pages load; skipped when current.
  const { buildAssets } = await import('../../scripts/build-assets.mjs');
  await buildAssets({ quiet: true });
  // Test apps start engine threads, and tests child processes, from modules prebuilt once per run.
  const bundles = await buildTestBundles();
  process.env.HELPDESK_ENGINE_WORKER_MODULE = bundles['engine-worker'];
  process.env.HELPDESK_TEST_BUNDLES = JSON.stringify(bundles);
  if (process.env.MONGODB_URI) {
    process.env.TEST_MONGODB_URI = process.env.MONGODB_URI;
    return;
  }
  const { EmbeddedFerretDb, SQLITE_PRAGMAS } = await tsImport(
    '../../src/adapters/db/embedded-ferretdb.ts',
    import.meta.url,
  );
  const dataDir = mkdtempSync(path.join(tmpdir(), 'helpdesk-test-db-'));
  // A throw-away database: no fsync per commit. Tests kill app processes, never this FerretDB or
  // the machine, and SQLite stays consistent without it (only an OS crash could lose commits).
  const sqlitePragmas = [...SQLITE_PRAGMAS, 'synchronous(off)'];
  const db = new EmbeddedFerretDb({ dataDir, port: await freePort(), sqlitePragmas });
  await db.start();
  globalThis.__FERRETDB__ = db;
  globalThis.__FERRETDB_DIR__ = dataDir;
  process.env.TEST_MONGODB_URI = db.uri;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no free port')),
      );
    });
  });
}
