import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Engine } from 'bpmn-engine';
import { EmbeddedFerretDb } from '../src/adapters/db/embedded-ferretdb.js';
import { safeExpressions } from '../src/adapters/engine/safe-expressions.js';

/** The p-th percentile (nearest rank) of the values. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** A free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** The raw engine's send tasks complete at once, as the runner's do. */
export function sendTaskStub(activity: { type: string; behaviour: Record<string, unknown> }): void {
  if (activity.type !== 'bpmn:SendTask') return;
  activity.behaviour.Service = function Stub() {
    return { execute: (_message: unknown, callback: (err: null) => void) => callback(null) };
  };
}

/**
 * Starts a throw-away embedded FerretDB and points the test harness (`TEST_MONGODB_URI`) at it.
 * Its data folder is removed when the bench process exits.
 */
export async function startBenchDatabase(name: string): Promise<EmbeddedFerretDb> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `helpdesk-${name}-`));
  process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  const db = new EmbeddedFerretDb({ dataDir, port: await freePort() });
  await db.start();
  process.env.TEST_MONGODB_URI = db.uri;
  return db;
}

export { REVIEW_INTAKE } from '../test/support/review-intake.js';

/** The actor benches open tickets as. */
const BENCH_AGENT = { id: 'luis', roles: ['agent' as const], groups: ['l1'] };

/**
 * Opens `count` tickets of the procedure through the runner, four at a time (what the embedded
 * database sustains without queueing), reporting progress every 500.
 */
export async function openTickets(
  app: {
    app: {
      services: {
        instances: { start(p: string, input: unknown, actor: typeof BENCH_AGENT): Promise<{ id: string }> };
      };
    };
  },
  procedureId: string,
  count: number,
  progress: (done: number) => void = () => undefined,
  input: unknown = {},
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 4) {
    const batch = Array.from({ length: Math.min(4, count - i) }, () =>
      app.app.services.instances.start(procedureId, input, BENCH_AGENT),
    );
    ids.push(...(await Promise.all(batch)).map((started) => started.id));
    if (ids.length % 500 < 4) progress(ids.length);
  }
  return ids;
}

/**
 * One raw bpmn-engine run of the review model, state kept in memory: start with `variables`,
 * complete the review, save the state. `source` is the XML, or a parsed moddle context reused.
 */
export async function rawReviewRun(
  source: { readonly source: string } | { readonly moddleContext: unknown },
  variables: Record<string, unknown>,
): Promise<void> {
  const engine = new Engine({
    name: 'raw',
    ...source,
    expressions: safeExpressions(),
    extensions: { send: sendTaskStub },
  } as never);
  const execution = await engine.execute({ variables: { ...variables } });
  execution
    .getPostponed()
    .find((api) => api.id === 'review')
    ?.signal({ priority: 'blocking' });
  await engine.getState();
  await engine.stop();
}
