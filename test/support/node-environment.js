import { AsyncLocalStorage } from 'node:async_hooks';
import NodeEnvironment from 'jest-environment-node';

const PATCHED = Symbol.for('helpdesk.tests.storage-tracking');
/** Storages a test file enabled in this worker (jest-circus enables one per file and never disables it). */
const enabled = new Set();

if (!AsyncLocalStorage.prototype[PATCHED]) {
  AsyncLocalStorage.prototype[PATCHED] = true;
  for (const method of ['run', 'enterWith']) {
    const original = AsyncLocalStorage.prototype[method];
    AsyncLocalStorage.prototype[method] = function track(...args) {
      enabled.add(this);
      return original.apply(this, args);
    };
  }
}

/**
 * Jest's node environment, plus: at a file's end, the async-local storages enabled during the file
 * are disabled. Node 20 calls every enabled storage on each promise it creates; without this a
 * worker's 80th file pays for the 79 files before it.
 */
export default class HelpdeskNodeEnvironment extends NodeEnvironment {
  async teardown() {
    for (const storage of enabled) storage.disable();
    enabled.clear();
    await super.teardown();
  }
}
