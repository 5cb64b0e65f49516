import type { Clock } from '../domain/clock.js';
import type { DefinitionsService } from './definitions-service.js';
import type { InstanceStore, TaskRepository } from './ports.js';

/** Collaborators of the agents' inbox. */
export interface InboxServiceDeps {
  readonly store: InstanceStore;
  readonly tasks: TaskRepository;
  readonly definitions: DefinitionsService;
  readonly clock: Clock;
}

/** The agents' inbox: visible tasks joined with their tickets (requester, priority, time left). */
export class InboxService {
  constructor(private readonly deps: InboxServiceDeps) {}
}
