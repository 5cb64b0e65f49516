import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../domain/errors.js';
import { parseSlaPolicy } from '../../domain/sla/parse-policy.js';
import type { SlaPolicy } from '../../domain/sla/policy.js';
import type { SlaPolicies } from '../../app/sla-ports.js';

/** SLA policies from `<dir>/*.json`, one per procedure, checked against the known calendars. */
export class FileSlaPolicies implements SlaPolicies {
  private constructor(private readonly byProcedure: ReadonlyMap<string, SlaPolicy>) {}

  /** Loads every policy file; a broken file, a duplicate procedure or an unknown calendar throws SLA_POLICY_INVALID. */
  static async load(dir: string, calendars: { has(id: string): boolean }): Promise<FileSlaPolicies> {
    const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort();
    const byProcedure = new Map<string, SlaPolicy>();
    for (const file of files) {
      const policy = parseSlaPolicy(await readJson(path.join(dir, file), file), file);
      if (byProcedure.has(policy.procedureId))
        throw invalid(file, `a second policy for procedure <${policy.procedureId}>`);
      if (!calendars.has(policy.calendar)) throw invalid(file, `unknown calendar <${policy.calendar}>`);
      byProcedure.set(policy.procedureId, policy);
    }
    return new FileSlaPolicies(byProcedure);
  }

  forProcedure(procedureId: string): SlaPolicy | undefined {
    return this.byProcedure.get(procedureId);
  }

  list(): readonly SlaPolicy[] {
    return [...this.byProcedure.values()];
  }
}

async function readJson(file: string, name: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalid(name, `not valid JSON (${(error as Error).message})`);
  }
}

function invalid(file: string, message: string): AppError {
  return new AppError('SLA_POLICY_INVALID', `SLA policy ${file}: ${message}`, [
    { path: file, reason: 'sla-policy', message },
  ]);
}
