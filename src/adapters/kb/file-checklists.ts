import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChecklistCatalog } from '../../app/knowledge-base-ports.js';
import { parseChecklistFile, type Checklist } from '../../domain/kb/checklist.js';

/** Largest checklist file read. */
const MAX_FILE_BYTES = 512 * 1024;

/**
 * Checklists from `<dir>/<procedureId>.json`, read once at start. A missing folder means no
 * checklists; a bad file stops the start with an error naming the file and the element.
 */
export class FileChecklistCatalog implements ChecklistCatalog {
  private constructor(private readonly checklists: readonly Checklist[]) {}

  static async load(dir: string): Promise<FileChecklistCatalog> {
    let files: string[];
    try {
      files = (await readdir(dir)).filter((file) => file.endsWith('.json')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new FileChecklistCatalog([]);
      throw error;
    }
    const all: Checklist[] = [];
    for (const file of files) {
      const full = path.join(dir, file);
      const text = await readFile(full, 'utf8');
      if (text.length > MAX_FILE_BYTES)
        throw new Error(`checklist file ${full} is larger than ${MAX_FILE_BYTES} bytes`);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw new Error(`checklist file ${full} is not valid JSON: ${(error as Error).message}`);
      }
      all.push(...parseChecklistFile(json, file.replace(/\.json$/, ''), full));
    }
    return new FileChecklistCatalog(all);
  }

  forStep(procedureId: string, activityId: string): readonly Checklist[] {
    return this.checklists.filter((c) => c.procedureId === procedureId && c.activityIds.includes(activityId));
  }
}
