import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { UiLanguage } from '../page.js';

/** UI languages, in the order the language switch shows them. */
export const UI_LANGUAGES: readonly UiLanguage[] = ['es', 'it', 'en'];

type Strings = Record<string, unknown>;

/**
 * UI strings from `templates/i18n/<lang>/<area>.json`, loaded once. Keys are
 * `<area>.<path>` (nested objects or dotted keys); `{name}` placeholders are
 * replaced by the variables given. A missing key shows as the key itself and is
 * logged once.
 */
export class Translations {
  private readonly strings = new Map<UiLanguage, Strings>();
  private readonly warned = new Set<string>();

  constructor(
    dir: string,
    private readonly logger: Logger,
  ) {
    for (const language of UI_LANGUAGES) this.strings.set(language, loadLanguage(path.join(dir, language)));
  }

  /** The text of a key in a language, with `{var}` placeholders filled. */
  t(language: UiLanguage, key: string, vars: Record<string, unknown> = {}): string {
    const text = this.lookup(language, key);
    if (text === undefined) {
      this.warnOnce(language, key);
      return key;
    }
    return text.replace(/\{(\w+)\}/g, (match, name: string) =>
      vars[name] === undefined || vars[name] === null ? match : String(vars[name]),
    );
  }

  /** True when the key exists in that language. */
  has(language: UiLanguage, key: string): boolean {
    return this.lookup(language, key) !== undefined;
  }

  /** The strings directly under a key (e.g. `analyst.issues.reasons`), for scripts that pick one by code. */
  section(language: UiLanguage, key: string): Record<string, string> {
    let node: unknown = this.strings.get(language) ?? {};
    for (const part of key.split('.')) {
      if (typeof node !== 'object' || node === null) return {};
      node = (node as Strings)[part];
    }
    if (typeof node !== 'object' || node === null) return {};
    return Object.fromEntries(
      Object.entries(node as Strings).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
  }

  private lookup(language: UiLanguage, key: string): string | undefined {
    const strings = this.strings.get(language) ?? {};
    const direct = strings[key];
    if (typeof direct === 'string') return direct;
    let node: unknown = strings;
    for (const part of key.split('.')) {
      if (typeof node !== 'object' || node === null) return undefined;
      node = (node as Strings)[part];
    }
    return typeof node === 'string' ? node : undefined;
  }

  private warnOnce(language: UiLanguage, key: string): void {
    const id = `${language}:${key}`;
    if (this.warned.has(id)) return;
    this.warned.add(id);
    this.logger.warn({ language, key }, `missing UI string <${key}> in ${language}`);
  }
}

/** Every `<area>.json` of a language folder, as `{ area: strings }`. */
function loadLanguage(dir: string): Strings {
  const strings: Strings = {};
  const files = isDirectory(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  for (const file of files.sort()) {
    const area = file.replace(/\.json$/, '');
    try {
      strings[area] = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Strings;
    } catch (error) {
      throw new Error(`UI strings ${path.join(dir, file)} are not valid JSON: ${(error as Error).message}`);
    }
  }
  return strings;
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
