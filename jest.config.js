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
  // Spies are put back before every test, even after a test failed before restoring its own: in a
  // test group (jest.groups.config.js) a spy left behind would reach the next member's tests.
  restoreMocks: true,
  maxWorkers: 2,
  // Each integration file leaves ~30 MB of its module registry on a worker's heap, so a worker's
  // garbage collection slows down file after file; a worker past this is replaced by a fresh one.
  workerIdleMemoryLimit: '512MB',
};
