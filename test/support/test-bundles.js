import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The TypeScript entry points tests run in threads or child processes, by bundle name. */
const ENTRIES = {
  'engine-worker': 'src/adapters/engine/engine-worker.ts',
  'app-process': 'test/support/app-process.ts',
  admin: 'scripts/admin.ts',
  'hanging-timer-process': 'test/support/hanging-timer-process.ts',
};

/**
 * Bundles the entry points that tests start in engine threads and child processes (each with the
 * sources it imports; npm packages stay imports) into ES modules under node_modules/.cache, and
 * returns their paths by name. Run from sources, every thread or process would otherwise register
 * tsx and compile its files itself (≈ 0.25 s of CPU per engine thread, ≈ 0.4–0.7 s per child
 * process; tests start about one thread per test file and a few dozen processes). Built from the
 * current sources on every run, so they are never stale.
 */
export async function buildTestBundles() {
  const outdir = path.join(root, 'node_modules', '.cache', 'helpdesk-tests');
  await build({
    entryPoints: Object.fromEntries(
      Object.entries(ENTRIES).map(([name, source]) => [name, path.join(root, source)]),
    ),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'error',
  });
  // The app's bundle is imported by a launcher, not run as the main module: src/main.ts starts an
  // app of its own when it is the entry point, and in a bundle every module has the bundle's URL.
  await writeFile(path.join(outdir, 'app-process-launcher.mjs'), "await import('./app-process.mjs');\n");
  const paths = Object.fromEntries(Object.keys(ENTRIES).map((name) => [name, path.join(outdir, `${name}.mjs`)]));
  return { ...paths, 'app-process': path.join(outdir, 'app-process-launcher.mjs') };
}
