/** Jest runs TypeScript as native ESM (see docs/adr/0001-esm-and-toolchain.md). */
export default {
  testEnvironment: '<rootDir>/test/support/node-environment.js',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': '<rootDir>/test/support/esbuild-transform.js' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  testTimeout: 30000,
  maxWorkers: 2,
  // Each integration file leaves ~30 MB of its module registry on a worker's heap, so a worker's
  // garbage collection slows down file after file; a worker past this is replaced by a fresh one.
  workerIdleMemoryLimit: '512MB',
};
