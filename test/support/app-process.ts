/**
 * Runs one app instance as its own OS process for multi-process tests. Configuration comes from the
 * environment (as in production); prints `READY <url>` once listening and stops cleanly on SIGTERM.
 */
import { startApp } from '../../src/main.js';
import { loadConfig } from '../../src/config.js';

const app = await startApp(loadConfig());
process.stdout.write(`READY ${app.url}\n`);
process.once('SIGTERM', () => {
  void app.stop().then(() => process.exit(0));
});
