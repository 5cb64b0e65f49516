import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Bundles the engine thread's module (src/adapters/engine/engine-worker.ts and the sources it
 * imports; npm packages stay imports) into one ES module under node_modules/.cache, and returns
 * its path. Run from sources, every engine thread would otherwise register tsx and compile ~40
 * files itself (≈ 0.25 s of CPU per thread; tests start a few hundred threads). Built from the
 * current sources on every run, so it is never stale.
 */
export async function buildEngineWorker() {
  const outfile = path.join(root, 'node_modules', '.cache', 'helpdesk-tests', 'engine-worker.mjs');
  await build({
    entryPoints: [path.join(root, 'src', 'adapters', 'engine', 'engine-worker.ts')],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'error',
  });
  return outfile;
}
