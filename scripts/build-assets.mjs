#!/usr/bin/env node
/* global process, console */
/**
 * Builds the browser bundles of the analyst pages (docs/adr/0028) from assets-src/ into
 * public/build/ (git-ignored): the bpmn-js modeler with the Camunda 7 properties panel and
 * token simulation, and the form-js editor with its live preview. The npm packages ship ESM
 * only, so esbuild bundles them into one IIFE script and one stylesheet per page.
 *
 * Run by `npm run build` (so by `npm start`), `npm run dev` and Jest's global setup. A stamp
 * (hash of the sources, this script and the lock file) skips the work when nothing changed.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = path.join(root, 'assets-src');
const outDir = path.join(root, 'public', 'build');
const stampFile = path.join(outDir, '.stamp');
/** Page bundles: assets-src/<name>.js → public/build/<name>.js and <name>.css. */
const ENTRIES = ['modeler', 'form-editor'];

/**
 * The properties panel builds its two containers from HTML with `style` attributes, which the
 * pages' CSP (no inline styles) refuses; public/css/analyst.css gives them the same rules.
 * Fails the build when an upgrade changes the markup, so the CSS is revisited.
 */
const INLINE_STYLES = [
  {
    file: /bpmn-js-properties-panel[\\/]dist[\\/]index\.esm\.js$/,
    styles: ['style="height: 100%" ', 'style="flex: none; height: auto" '],
  },
];

const stripInlineStyles = {
  name: 'strip-inline-styles',
  setup(build) {
    for (const { file, styles } of INLINE_STYLES) {
      build.onLoad({ filter: file }, async (args) => {
        let contents = await readFile(args.path, 'utf8');
        for (const style of styles) {
          if (!contents.includes(style))
            throw new Error(`${args.path}: expected ${style} (update INLINE_STYLES)`);
          contents = contents.split(style).join('');
        }
        return { contents, loader: 'js' };
      });
    }
  },
};

async function fingerprint() {
  const hash = createHash('sha256');
  const files = (await readdir(sourceDir)).sort();
  for (const file of files) hash.update(file).update(await readFile(path.join(sourceDir, file)));
  hash.update(await readFile(fileURLToPath(import.meta.url)));
  hash.update(await readFile(path.join(root, 'package-lock.json')).catch(() => ''));
  return hash.digest('hex');
}

/** Builds the bundles unless the stamp says they are current; `force` rebuilds anyway. */
export async function buildAssets({ force = false, quiet = false } = {}) {
  const stamp = await fingerprint();
  const built = await readFile(stampFile, 'utf8').catch(() => '');
  if (!force && built === stamp) return { built: false };
  const esbuild = await import('esbuild');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  // esbuild's service process would keep a Jest run (the global setup builds) from exiting.
  await esbuild.build({
    entryPoints: Object.fromEntries(ENTRIES.map((name) => [name, path.join(sourceDir, `${name}.js`)])),
    outdir: outDir,
    bundle: true,
    format: 'iife',
    minify: true,
    sourcemap: false,
    target: ['es2020'],
    legalComments: 'linked',
    logLevel: quiet ? 'error' : 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [stripInlineStyles],
    // Fonts and icons inline (the CSP allows data: fonts and images, nothing else off-site).
    loader: {
      '.woff': 'dataurl',
      '.woff2': 'dataurl',
      '.ttf': 'dataurl',
      '.eot': 'dataurl',
      '.svg': 'dataurl',
      '.png': 'dataurl',
    },
  }).finally(() => esbuild.stop());
  await writeFile(stampFile, stamp);
  if (!quiet) console.log(`browser bundles built in ${path.relative(root, outDir)}/`);
  return { built: true };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildAssets({ force: process.argv.includes('--force') }).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
