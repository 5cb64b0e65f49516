import type { Clock } from '../domain/clock.js';
import type { DefinitionsService } from './definitions-service.js';
import type { InstanceStore, TaskRepository } from './ports.js';

/** Collaborators of the supervisors' views. */
export interface MonitoringServiceDeps {
  readonly store: InstanceStore;
  readonly tasks: TaskRepository;
  readonly definitions: DefinitionsService;
  readonly clock: Clock;
}

/** Supervisors' instance search and dashboard figures. */
export class MonitoringService {
  constructor(private readonly deps: MonitoringServiceDeps) {}
}
