import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
// bpmn-engine's exports map hides package.json; read it next to the resolved entry point.
const ENGINE_PACKAGE = path.join(path.dirname(require.resolve('bpmn-engine')), '..', 'package.json');

/**
 * The bpmn-engine version recorded on every instance. Its own module, so the main thread (which
 * runs no engine: steps run on engine threads) need not load the engine to know it.
 */
export const ENGINE_VERSION = (JSON.parse(readFileSync(ENGINE_PACKAGE, 'utf8')) as { version: string })
  .version;
