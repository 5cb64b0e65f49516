import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import type { Logger } from 'pino';
import { Translations, UI_LANGUAGES } from '../../../src/http/web/core/i18n.js';

const I18N = path.resolve('templates/i18n');

/** Every leaf key of a strings file, dotted. */
function keysOf(node: unknown, prefix = ''): string[] {
  if (typeof node !== 'object' || node === null) return [prefix];
  return Object.entries(node).flatMap(([key, value]) => keysOf(value, prefix ? `${prefix}.${key}` : key));
}

describe('UI strings', () => {
  const areas = readdirSync(path.join(I18N, 'en')).filter((file) => file.endsWith('.json'));

  test.each(areas)('given %s, then es, it and en have exactly the same keys', (file) => {
    const [es, it, en] = UI_LANGUAGES.map((lang) =>
      keysOf(JSON.parse(readFileSync(path.join(I18N, lang, file), 'utf8'))).sort(),
    );

    expect({ file, missingInIt: diff(es!, it!), missingInEn: diff(es!, en!) }).toEqual({
      file,
      missingInIt: [],
      missingInEn: [],
    });
    expect({ file, missingInEs: diff(en!, es!) }).toEqual({ file, missingInEs: [] });
  });

  test('given a missing key, then the key itself is shown and the warning is logged once', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'i18n-'));
    for (const lang of UI_LANGUAGES) {
      mkdirSync(path.join(dir, lang));
      writeFileSync(path.join(dir, lang, 'demo.json'), JSON.stringify({ hello: `hi {name} (${lang})` }));
    }
    const warn = jest.fn();
    const strings = new Translations(dir, { warn } as unknown as Logger);

    try {
      expect(strings.t('it', 'demo.hello', { name: 'Sofia' })).toBe('hi Sofia (it)');
      expect(strings.t('es', 'demo.nothing')).toBe('demo.nothing');
      expect(strings.t('es', 'demo.nothing')).toBe('demo.nothing');
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function diff(from: string[], to: string[]): string[] {
  const present = new Set(to);
  return from.filter((key) => !present.has(key));
}
