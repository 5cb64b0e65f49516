import { readdir } from 'node:fs/promises';

/** A message template of the catalogue: its id and the languages it has a file for. */
export interface MessageTemplateEntry {
  readonly id: string;
  readonly languages: readonly string[];
}

/** The file names the renderer reads: `<id>.<lang>.hbs` (template-renderer.ts). */
const FILE = /^([a-z0-9][a-z0-9-]{0,80})\.([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\.hbs$/;
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
