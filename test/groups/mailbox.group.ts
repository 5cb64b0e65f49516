// A test group: its member files (test/support/test-groups.js) share one Jest module registry.
import { importGroup } from '../support/test-groups.js';

await importGroup(import.meta.url);
