import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileFormSeeds } from '../../../src/adapters/forms/versioned-forms.js';
import { MongoFormVersionStore } from '../../../src/adapters/persistence/mongo-form-versions.js';
import { FormVersions } from '../../../src/app/form-versions.js';
import { systemClock } from '../../../src/adapters/clock/system-clock.js';
import { USERS, startTestApp, type TestApp } from '../../support/harness.js';
import { monitoredUri } from '../round-trips/meter.js';

/**
 * The versioned form store (docs/adr/0028) on the real database: forms/ files become version 1
 * at start (or at first use when added later), saves add versions after the form checks, the head
 * only moves forward.
 */
const FORMS = path.resolve('test/fixtures/forms-editor/forms');
const ANALYST = { id: USERS.analyst.user, roles: ['analyst' as const], groups: [] };
const schema = (formKey: string, label: string, extra: Record<string, unknown> = {}) => ({
  type: 'default',
  id: formKey,
  components: [{ type: 'textfield', key: 'comment', label, ...extra }],
});

describe('form versions store', () => {
  let app: TestApp;
  let versions: FormVersions;
  let store: MongoFormVersionStore;

  beforeAll(async () => {
    app = await startTestApp({
      processesDir: 'test/fixtures/forms-editor/processes',
      formsDir: FORMS,
      env: { MONGODB_URI: monitoredUri(process.env.TEST_MONGODB_URI!) },
    });
    store = new MongoFormVersionStore(app.app.database.connection);
    versions = new FormVersions({ store, clock: systemClock, seeds: new FileFormSeeds(FORMS) });
  });
  afterAll(async () => {
    await app?.stop();
  });

  test('given the forms/ files, when the catalogue is listed, then every file is a form at version 1 taken from its file', async () => {
    const catalogue = await versions.catalogue();

    expect(catalogue).toEqual(
      expect.arrayContaining([
        { key: 'panel-first', version: 1 },
        { key: 'panel-second', version: 1 },
        { key: 'panel-start', version: 1 },
      ]),
    );
    const first = await versions.get('panel-first', 1);
    expect(first).toMatchObject({ id: 'panel-first@1', source: 'file', savedBy: 'system' });
    expect(JSON.parse(first!.json).components[0].key).toBe('comment');
  });

  test('given a changed schema, when saved, then it is the next version and saving it again changes nothing', async () => {
    const before = (await versions.latestNumber('panel-start'))!;

    const saved = await versions.save('panel-start', schema('panel-start', 'Subject, edited'), ANALYST);
    const again = await versions.save('panel-start', schema('panel-start', 'Subject, edited'), ANALYST);

    expect(saved).toMatchObject({
      created: true,
      version: { version: before + 1, savedBy: 'ana', source: 'editor' },
    });
    expect(again).toMatchObject({ created: false, version: { version: before + 1 } });
    expect(await versions.latestNumber('panel-start')).toBe(before + 1);
    expect((await versions.get('panel-start', before))?.json).not.toContain('Subject, edited');
  });

  test('given a pattern the linear-time engine refuses, when saved, then VALIDATION_FAILED names the field and no version is added', async () => {
    const before = await versions.latestNumber('panel-first');

    const error = await versions
      .save('panel-first', schema('panel-first', 'Comment', { validate: { pattern: '(?<=a)b' } }), ANALYST)
      .catch((e: unknown) => e as any);

    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.map((issue: any) => issue.path).join(' ')).toMatch(/comment/);
    expect(await versions.latestNumber('panel-first')).toBe(before);
  });

  test('given a key that is not kebab-case, when saved, then BAD_REQUEST names it', async () => {
    await expect(versions.save('../etc', schema('x', 'x'), ANALYST)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('<../etc>'),
    });
  });

  test('given a save that stored its version but stopped before the head, when the next save comes, then the head is repaired and nothing is overwritten', async () => {
    const key = 'repair-demo';
    await versions.save(key, schema(key, 'one'), ANALYST);
    // The crash window: version 2 inserted, head still at 1.
    const orphan = {
      ...(await versions.get(key, 1))!,
      id: `${key}@2`,
      version: 2,
      json: JSON.stringify(schema(key, 'two')),
      contentHash: 'x',
    };
    await store.insert(orphan);

    const next = await versions.save(key, schema(key, 'three'), ANALYST);

    expect(next.version.version).toBe(3);
    expect((await versions.get(key, 2))?.json).toContain('two');
    expect(await versions.latestNumber(key)).toBe(3);
  });

  test('given two saves of different content at once, then each version number is taken once and the head names the highest', async () => {
    const key = 'race-demo';
    await versions.save(key, schema(key, 'base'), ANALYST);

    const results = await Promise.allSettled([
      versions.save(key, schema(key, 'left'), ANALYST),
      versions.save(key, schema(key, 'right'), ANALYST),
    ]);

    const saved = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.version.version] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as any).code] : []));
    expect(new Set(saved).size).toBe(saved.length);
    expect(refused.every((code) => code === 'CONFLICT')).toBe(true);
    expect(await versions.latestNumber(key)).toBe(Math.max(...saved));
  });

  test('given a seed file changed by a new release, when the app starts, then it becomes a new version unless the form was edited in the browser since', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'forms-refresh-'));
    try {
      const key = 'refresh-demo';
      const file = path.join(dir, `${key}.form`);
      const own = new FormVersions({ store, clock: systemClock, seeds: new FileFormSeeds(dir) });
      await writeFile(file, JSON.stringify(schema(key, 'release 1')));
      expect(await own.latestNumber(key)).toBe(1);

      await writeFile(file, JSON.stringify(schema(key, 'release 2')));
      const first = await own.refreshSeeds();
      await own.save(key, schema(key, 'edited in the browser'), ANALYST);
      await writeFile(file, JSON.stringify(schema(key, 'release 3')));
      const second = await own.refreshSeeds();

      expect(first).toEqual([{ formKey: key, outcome: 'updated', version: 2 }]);
      expect(second).toEqual([{ formKey: key, outcome: 'kept', version: 3 }]);
      expect((await own.get(key))?.json).toContain('edited in the browser');
      expect(await own.refreshSeeds()).toEqual([{ formKey: key, outcome: 'kept', version: 3 }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('given seed files of forms without versions, when the app starts, then each becomes version 1 in one write for the versions and one for the heads, and a broken one is left to its first use', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'forms-seed-all-'));
    try {
      const keys = ['bulk-one', 'bulk-two', 'bulk-three'];
      for (const key of keys)
        await writeFile(path.join(dir, `${key}.form`), JSON.stringify(schema(key, key)));
      await writeFile(
        path.join(dir, 'bulk-broken.form'),
        '{"type": "default", "components": [{"type": "nope"}]}',
      );
      const own = new FormVersions({ store, clock: systemClock, seeds: new FileFormSeeds(dir) });
      // Another process seeded one of them a moment before (same file); its rows stay as they are.
      await own.latestNumber('bulk-two');
      const before = await versions.get('bulk-two', 1);
      const writes = countWrites(app);

      expect(await own.refreshSeeds()).toEqual([]);

      expect(writes.stop()).toEqual({ insert: 2 });
      for (const key of keys) {
        expect(await store.head(key)).toMatchObject({ latest: 1, seedHash: expect.any(String) });
        expect(JSON.parse((await own.get(key, 1))!.json).components[0].label).toBe(key);
      }
      expect(await versions.get('bulk-two', 1)).toEqual(before);
      expect(await store.head('bulk-broken')).toBeNull();
      await expect(own.get('bulk-broken')).rejects.toMatchObject({ code: 'FORM_INVALID' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('given a seed whose version is stored but whose head is not (a start that stopped in between, or another release starting at once), when seeded again, then the head names the file of the stored version, which is kept', async () => {
    const key = 'bulk-half';
    const version = {
      id: `${key}@1`,
      formKey: key,
      version: 1,
      json: JSON.stringify(schema(key, 'half')),
      contentHash: 'h1',
      savedAt: new Date(),
      savedBy: 'system',
      source: 'file' as const,
    };
    await store.insert(version);

    const otherRelease = {
      ...version,
      json: JSON.stringify(schema(key, 'other release')),
      contentHash: 'h2',
    };
    await store.seed([otherRelease, { ...version, id: 'bulk-other@1', formKey: 'bulk-other' }]);

    expect(await store.head(key)).toEqual({ formKey: key, latest: 1, seedHash: 'h1' });
    expect(await store.head('bulk-other')).toEqual({ formKey: 'bulk-other', latest: 1, seedHash: 'h1' });
    expect(await versions.get(key, 1)).toMatchObject({ json: version.json });
  });

  test('given a start that stopped between the two writes, when the form is used before the next start, then its head still names its seed file and a later release of the file is applied', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'forms-seed-half-'));
    try {
      const key = 'half-used';
      const file = path.join(dir, `${key}.form`);
      await writeFile(file, JSON.stringify(schema(key, 'release 1')));
      const own = new FormVersions({ store, clock: systemClock, seeds: new FileFormSeeds(dir) });
      const text = JSON.stringify(schema(key, 'release 1'));
      const contentHash = createHash('sha256').update(text).digest('hex');
      const version = { id: `${key}@1`, formKey: key, version: 1, json: text, contentHash };
      await store.insert({ ...version, savedAt: new Date(), savedBy: 'system', source: 'file' });

      expect(await own.latestNumber(key)).toBe(1);
      await writeFile(file, JSON.stringify(schema(key, 'release 2')));

      expect(await store.head(key)).toEqual({ formKey: key, latest: 1, seedHash: contentHash });
      expect(await own.refreshSeeds()).toEqual([{ formKey: key, outcome: 'updated', version: 2 }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('given a broken seed file, when its form is first read, then FORM_INVALID names the form and no version is stored', async () => {
    const broken = new FormVersions({
      store,
      clock: systemClock,
      seeds: new FileFormSeeds(path.resolve('test/fixtures/forms')),
    });

    await expect(broken.get('broken-unknown-type')).rejects.toMatchObject({
      code: 'FORM_INVALID',
      message: expect.stringContaining('broken-unknown-type'),
    });
    expect(await store.head('broken-unknown-type')).toBeNull();
  });
});

/** Counts the write commands to `form_versions` the app's connection sends until `stop()`. */
function countWrites(app: TestApp): { stop(): Record<string, number> } {
  const client = app.app.database.connection.getClient();
  const counts: Record<string, number> = {};
  const listener = (event: { commandName: string; command: Record<string, unknown> }) => {
    const write = ['insert', 'update', 'delete', 'findAndModify'].includes(event.commandName);
    if (write && event.command[event.commandName] === 'form_versions') {
      counts[event.commandName] = (counts[event.commandName] ?? 0) + 1;
    }
  };
  client.on('commandStarted', listener);
  return {
    stop: () => {
      client.off('commandStarted', listener);
      return counts;
    },
  };
}
