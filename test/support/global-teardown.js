/** Stops the FerretDB started by global-setup. */
export default async function globalTeardown() {
  await globalThis.__FERRETDB__?.stop();
}
