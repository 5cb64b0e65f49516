import path from 'node:path';
import Sequencer from '@jest/test-sequencer';
import { testGroups } from './test-groups.js';

/**
 * Runs the test groups in their declared order, heaviest first, so neither worker is left with a
 * long group at the end. Jest's own order needs timings of an earlier run, which a clean clone lacks;
 * its sort still runs first, for the time estimate it records on each test.
 */
export default class GroupSequencer extends Sequencer {
  sort(tests) {
    const order = [...testGroups().keys()];
    const rank = (test) => order.indexOf(path.basename(test.path, '.group.ts'));
    return [...super.sort(tests)].sort((a, b) => rank(a) - rank(b));
  }
}
