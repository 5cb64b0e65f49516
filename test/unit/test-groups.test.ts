import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkGroupFiles, testFiles, testGroups } from '../support/test-groups.js';

const TEST_ROOT = path.resolve('test');

/** The parallel phase's groups (ADR 0001, amendment "test files run in groups"). */
describe('test groups', () => {
  test('given the test files of this tree, then each one outside the two-process and browser phases is in exactly one group', () => {
    const grouped = [...testGroups().values()].flat();
    const expected = testFiles().filter(
      (file) => !file.startsWith('integration/two-processes') && !file.startsWith('e2e/'),
    );
    expect(new Set(grouped).size).toBe(grouped.length);
    expect([...grouped].sort()).toEqual(expected);
  });

  test('given the two-process file and a browser file, then neither is in a group', () => {
    const files = ['integration/two-processes.test.ts', 'e2e/login.e2e.test.ts', 'unit/a.test.ts'];
    expect([...testGroups(files).values()].flat()).toEqual(['unit/a.test.ts']);
  });

  test('given a folder with a group of its own, then its files go there and not to the catch-all', () => {
    const groups = testGroups(['integration/web/a.test.ts', 'integration/z.test.ts']);
    expect([...(groups.get('web-1') ?? []), ...(groups.get('web-2') ?? [])]).toEqual([
      'integration/web/a.test.ts',
    ]);
    expect([1, 2, 3, 4].flatMap((i) => groups.get(`integration-${i}`) ?? [])).toEqual([
      'integration/z.test.ts',
    ]);
  });

  test('given a test file outside integration/ and unit/, then the groups are refused, naming it', () => {
    expect(() => testGroups(['unit/a.test.ts', 'perf/slow.test.ts'])).toThrow(/perf\/slow\.test\.ts/);
  });

  test('given a split folder of three files, then they are dealt round-robin into its two groups', () => {
    const files = ['unit/a.test.ts', 'unit/b.test.ts', 'unit/c.test.ts'];
    const groups = testGroups(files);
    expect(groups.get('unit-1')).toEqual(['unit/a.test.ts', 'unit/c.test.ts']);
    expect(groups.get('unit-2')).toEqual(['unit/b.test.ts']);
  });

  test('given a group without an entry file in test/groups/, then the check refuses, naming it (it would not run)', () => {
    const groups = new Map([...testGroups(), ['ghost', ['unit/a.test.ts']]]);
    expect(() => checkGroupFiles(groups)).toThrow(/no entry file for ghost/);
  });

  test('given an entry file in test/groups/ without a group, then the check refuses, naming it', () => {
    const groups = new Map([...testGroups()].filter(([name]) => name !== 'reports'));
    expect(() => checkGroupFiles(groups)).toThrow(/no group for reports/);
  });

  test('given a group left without test files (a folder renamed), then the check refuses, naming it', () => {
    const groups = new Map(
      [...testGroups()].map(([name, members]) => [name, name === 'editors' ? [] : members]),
    );
    expect(() => checkGroupFiles(groups)).toThrow(/no test file in editors/);
  });

  test('given the members of every group, then none focuses a test or hooks every test of its group from the top level', () => {
    const members = [...testGroups().values()].flat();
    const leaking = members.filter((file) => {
      const text = readFileSync(path.join(TEST_ROOT, file), 'utf8');
      return (
        /^(beforeAll|afterAll|beforeEach|afterEach)\(/m.test(text) ||
        /\b(test|it|describe)\.only\(/.test(text)
      );
    });
    expect(leaking).toEqual([]);
  });
});
