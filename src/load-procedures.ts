import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { DefinitionsService } from './app/definitions-service.js';
import type { SlaPolicies } from './app/sla-ports.js';
import type { Actor } from './domain/actor.js';
import { policyIssues } from './domain/sla/check-policy.js';

const LOADER: Actor = { id: 'system:loader', roles: ['admin'], groups: [] };

/** Deploys every `*.bpmn` in the folder; a broken file is reported and skipped, never half-stored. */
export async function deployDirectory(
  dir: string,
  definitions: DefinitionsService,
  logger: Logger,
): Promise<void> {
  const files = (await readdir(dir).catch(() => [])).filter((name) => name.endsWith('.bpmn')).sort();
  for (const file of files) {
    const procedureId = file.replace(/\.bpmn$/, '');
    try {
      const xml = await readFile(path.join(dir, file), 'utf8');
      const { version, created } = await definitions.deploy(procedureId, xml, LOADER, file);
      logger.info(
        { procedure: procedureId, version: version.version, created, warnings: version.warnings.length },
        'procedure loaded',
      );
    } catch (error) {
      logger.error({ err: error, file }, `procedure file ${file} was not deployed`);
    }
  }
}

/** Logs SLA policies naming activities their procedure's current version does not have. */
export async function reportPolicyIssues(
  policies: SlaPolicies,
  definitions: DefinitionsService,
  logger: Logger,
): Promise<void> {
  for (const policy of policies.list()) {
    const current = await definitions.current(policy.procedureId).catch(() => undefined);
    if (!current) continue;
    for (const issue of policyIssues(policy, current.catalog)) logger.error({ issue }, issue.message);
  }
}
