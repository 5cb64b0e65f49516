import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The parallel phase of `npm test` runs its test files in groups: Jest gives every file it runs a
 * module registry of its own, and loading the app into one costs ≈ 1 s of CPU per integration file.
 * A group file imports its members, so they share one registry (ADR 0001, amendment "test files run
 * in groups"). Each member stays a test file of its own: `npx jest <file>` runs it alone.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where the group entry files are (`<group>.group.ts`, all alike: the file name names the group). */
export const GROUPS_DIR = path.join(root, 'groups');

/** Paths (prefixes) of the test files with a phase of their own in `npm test`: never in a group. */
const OWN_PHASE = ['integration/two-processes', 'e2e/'];

/**
 * Group rules, heaviest first (the order the groups are run in): a test file goes to the first rule
 * whose folder holds it (a catch-all rule after all others); a rule with `split` deals its files
 * round-robin into that many groups. The catch-all takes every integration file left, so a new
 * integration file is always grouped; a test file outside integration/ and unit/ fails the check.
 */
const RULES = [
  { name: 'procedures', folders: ['integration/procedures/'] },
  { name: 'integration', folders: ['integration/'], split: 4, catchAll: true },
  { name: 'mailbox', folders: ['integration/mailbox/'] },
  { name: 'requester', folders: ['integration/requester/'] },
  {
    name: 'intake',
    folders: ['integration/portal/', 'integration/requesters/', 'integration/form-files/'],
  },
  { name: 'web', folders: ['integration/web/'], split: 2 },
  { name: 'unit', folders: ['unit/'], split: 2 },
  { name: 'reports', folders: ['integration/reports/'] },
  {
    name: 'editors',
    folders: [
      'integration/dry-run-hygiene/',
      'integration/conversation/',
      'integration/forms-editor/',
      'integration/round-trips/',
    ],
  },
  { name: 'bpmn-semantics', folders: ['integration/bpmn-semantics/'] },
];

/** Every `*.test.ts` under test/, relative to test/ with `/` separators, sorted. */
export function testFiles() {
  return readdirSync(root, { recursive: true })
    .map((file) => String(file).split(path.sep).join('/'))
    .filter((file) => file.endsWith('.test.ts'))
    .sort();
}

/** The groups (name to member files, relative to test/), in the order they are run. */
export function testGroups(files = testFiles()) {
  const groups = new Map();
  const claimed = new Set();
  for (const rule of orderedForClaiming()) {
    const members = files.filter((file) => !claimed.has(file) && matches(rule, file));
    members.forEach((file) => claimed.add(file));
    const split = rule.split ?? 1;
    for (let i = 0; i < split; i++) {
      const name = split > 1 ? `${rule.name}-${i + 1}` : rule.name;
      groups.set(name, { order: RULES.indexOf(rule), members: members.filter((_, j) => j % split === i) });
    }
  }
  const left = files.filter((file) => !claimed.has(file) && !ownPhase(file));
  if (left.length)
    throw new Error(`test files in no group (test/support/test-groups.js): ${left.join(', ')}`);
  return new Map([...groups].sort(([, a], [, b]) => a.order - b.order).map(([name, g]) => [name, g.members]));
}

/** Imports the members of the group named by the calling group file (`import.meta.url`). */
export async function importGroup(groupFileUrl) {
  const name = path.basename(fileURLToPath(groupFileUrl), '.group.ts');
  const members = testGroups().get(name);
  if (!members) throw new Error(`test group <${name}> is not defined in test/support/test-groups.js`);
  for (const file of members) await import(pathToFileURL(path.join(root, file)).href);
}

/**
 * Checks that each group has its entry file and a test file, and each entry file a group: a group
 * without an entry file would silently not run. Called when the groups' Jest configuration loads.
 */
export function checkGroupFiles(groups = testGroups()) {
  const files = readdirSync(GROUPS_DIR).filter((file) => file.endsWith('.group.ts'));
  const named = new Set(files.map((file) => file.replace(/\.group\.ts$/, '')));
  const missing = [...groups.keys()].filter((name) => !named.has(name));
  const extra = [...named].filter((name) => !groups.has(name));
  const empty = [...groups].filter(([, members]) => !members.length).map(([name]) => name);
  if (missing.length || extra.length || empty.length) {
    throw new Error(
      `test groups and ${path.relative(process.cwd(), GROUPS_DIR)}/ differ: ` +
        `no entry file for ${missing.join(', ') || 'none'}; no group for ${extra.join(', ') || 'none'}; ` +
        `no test file in ${empty.join(', ') || 'none'}`,
    );
  }
}

/** Catch-all rules claim last, so the folder rules take their files first. */
function orderedForClaiming() {
  return [...RULES].sort((a, b) => Number(Boolean(a.catchAll)) - Number(Boolean(b.catchAll)));
}

function matches(rule, file) {
  return !ownPhase(file) && rule.folders.some((folder) => file.startsWith(folder));
}

function ownPhase(file) {
  return OWN_PHASE.some((prefix) => file.startsWith(prefix));
}
