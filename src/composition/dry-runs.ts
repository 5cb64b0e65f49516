/** Composition root, dry runs (docs/adr/0031, 0035): the service, its shared registry and sweep. */
import type { Logger } from 'pino';
import type { Connection } from 'mongoose';
import { withoutEmails } from '../adapters/bpmn/dry-run-xml.js';
import { MongoDryRunRegistry } from '../adapters/persistence/mongo-dry-runs.js';
import type { AgendaScheduler } from '../adapters/scheduler/agenda-scheduler.js';
import type { DefinitionsService } from '../app/definitions-service.js';
import { DRY_RUN_SWEEP_EVERY_MS, DryRunService } from '../app/dry-run.js';
import type { InstanceService } from '../app/instance-service.js';
import type { TaskService } from '../app/task-service.js';
import type { Clock } from '../domain/clock.js';

/**
 * The dry-run service on the shared `dry_runs` registry, and the recurring `dry-run-sweep` job
 * (Agenda: one process at a time, any of them) that ends expired runs of every process.
 */
export function wireDryRuns(deps: {
  connection: Connection;
  definitions: DefinitionsService;
  instances: InstanceService;
  tasks: TaskService;
  scheduler: AgendaScheduler;
  clock: Clock;
  logger: Logger;
}): DryRunService {
  const dryRuns = new DryRunService({
    definitions: deps.definitions,
    instances: deps.instances,
    tasks: deps.tasks,
    clock: deps.clock,
    withoutEmails,
    registry: new MongoDryRunRegistry(deps.connection),
    logger: deps.logger,
  });
  deps.scheduler.recurring({
    name: 'dry-run-sweep',
    everyMs: DRY_RUN_SWEEP_EVERY_MS,
    run: async () => {
      await dryRuns.sweep();
    },
  });
  return dryRuns;
}
