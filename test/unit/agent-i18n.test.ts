import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REQUESTER_DETAIL_KEYS } from '../../src/app/inbox-service.js';

const I18N = path.resolve('templates/i18n');
const LANGUAGES = ['es', 'it', 'en'];

/** Every leaf key of a nested strings object, dotted. */
function leaves(node: unknown, prefix = ''): string[] {
  if (typeof node === 'string') return [prefix];
  return Object.entries(node as Record<string, unknown>).flatMap(([key, value]) =>
    leaves(value, prefix ? `${prefix}.${key}` : key),
  );
}

function keysOf(language: string): Set<string> {
  return new Set(leaves(JSON.parse(readFileSync(path.join(I18N, language, 'agent.json'), 'utf8'))));
}

/** Literal `{{t "agent.…"}}` keys of the agent templates and partials. */
function templateKeys(): string[] {
  const files = [
    ...readdirSync('templates/pages/agent').map((file) => path.join('templates/pages/agent', file)),
    ...readdirSync('templates/partials')
      .filter((file) => file.startsWith('agent-'))
      .map((file) => path.join('templates/partials', file)),
  ];
  return files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/"agent\.([A-Za-z0-9_.-]*[A-Za-z0-9_-])"/g)].map(
      (match) => match[1] as string,
    ),
  );
}

/** Keys the page modules build at run time. */
const BUILT = [
  ...['due', 'created', 'priority'].map((sort) => `inbox.sort.${sort}`),
  ...['open', 'completed', 'cancelled'].map((status) => `status.${status}`),
  ...REQUESTER_DETAIL_KEYS.map((name) => `ticket.field.${name}`),
  ...['completed', 'completed-next', 'started', 'started-elsewhere'].map((done) => `flash.${done}`),
  ...[
    'required',
    'mustCheck',
    'type',
    'option',
    'min',
    'max',
    'minLength',
    'maxLength',
    'email',
    'phone',
    'pattern',
    'unknown-field',
  ].map((reason) => `form.error.${reason}`),
  'inbox.title',
  'start.title',
];

describe('agent UI strings', () => {
  test('given the three languages, then they have exactly the same keys', () => {
    const [es, ...others] = LANGUAGES.map(keysOf);
    for (const other of others) expect([...other].sort()).toEqual([...es!].sort());
  });

  test.each(LANGUAGES)('given %s, then every key the templates and pages use exists', (language) => {
    const keys = keysOf(language);
    const missing = [...templateKeys(), ...BUILT].filter((key) => !keys.has(key));
    expect(missing).toEqual([]);
  });
});
