import { rmSync } from 'node:fs';

/** Stops the FerretDB started by global-setup and removes its data folder. */
export default async function globalTeardown() {
  await globalThis.__FERRETDB__?.stop();
  if (globalThis.__FERRETDB_DIR__) rmSync(globalThis.__FERRETDB_DIR__, { recursive: true, force: true });
}
