/**
 * `npm test`'s parallel phase: the test files run in groups sharing a module registry each
 * (test/support/test-groups.js; ADR 0001, amendment "test files run in groups").
 */
import base from './jest.config.js';
import { checkGroupFiles } from './test/support/test-groups.js';

checkGroupFiles();

export default {
  ...base,
  testMatch: ['<rootDir>/test/groups/*.group.ts'],
  testSequencer: '<rootDir>/test/support/group-sequencer.js',
};
