import { readdir } from 'node:fs/promises';
import { TEMPLATE_ID, TEMPLATE_LANGUAGE } from './template-renderer.js';

/** A message template of the catalogue: its id and the languages it has a file for. */
export interface MessageTemplateEntry {
  readonly id: string;
  readonly languages: readonly string[];
}

/** The file names the renderer reads: `<id>.<lang>.hbs`, built from its own id and language rules. */
const FILE = new RegExp(`^(${unanchored(TEMPLATE_ID)})\\.(${unanchored(TEMPLATE_LANGUAGE)})\\.hbs$`);
/** Files looked at, at most (the folder ships with the app; this bounds a misconfigured one). */
const MAX_FILES = 5000;

/**
 * The message templates in `dir` (e.g. `templates/messages`), sorted by id, each with its
 * languages sorted; other files are ignored and a missing folder is an empty catalogue.
 * Read on each call: the analyst's modeler asks once per page.
 */
export async function listMessageTemplates(dir: string): Promise<MessageTemplateEntry[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).slice(0, MAX_FILES);
  const languages = new Map<string, Set<string>>();
  for (const file of files) {
    const match = FILE.exec(file);
    if (!match?.[1] || !match[2]) continue;
    const known = languages.get(match[1]) ?? new Set<string>();
    known.add(match[2]);
    languages.set(match[1], known);
  }
  return [...languages.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, set]) => ({ id, languages: [...set].sort() }));
}

/** A `^…$` pattern's source without its anchors, to embed in a larger pattern. */
function unanchored(pattern: RegExp): string {
  return pattern.source.replace(/^\^/, '').replace(/\$$/, '');
}
