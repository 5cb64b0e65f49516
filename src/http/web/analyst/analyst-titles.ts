import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { UiLanguage } from '../page.js';

type Strings = Record<string, unknown>;
const cache = new Map<UiLanguage, Strings>();

/**
 * Page titles in the user's language. Views translate with the core's `t` helper;
 * the `<title>` is passed to `renderPage` as text, so routes read the same
 * `templates/i18n/<lang>/analyst.json` here.
 */
export function analystTitle(language: UiLanguage, key: string, suffix?: string): string {
  const text = lookup(stringsOf(language), key) ?? lookup(stringsOf('en'), key) ?? key;
  return suffix ? `${text} · ${suffix}` : text;
}

function stringsOf(language: UiLanguage): Strings {
  let strings = cache.get(language);
  if (!strings) {
    const file = path.resolve('templates', 'i18n', language, 'analyst.json');
    strings = JSON.parse(readFileSync(file, 'utf8')) as Strings;
    cache.set(language, strings);
  }
  return strings;
}

function lookup(strings: Strings, key: string): string | undefined {
  let node: unknown = strings;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Strings)[part];
  }
  return typeof node === 'string' ? node : undefined;
}
