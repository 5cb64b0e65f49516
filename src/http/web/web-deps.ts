import type { Logger } from 'pino';
import type { DefinitionsService } from '../../app/definitions-service.js';
import type { DirectoryService } from '../../app/directory-service.js';
import type { InboxService } from '../../app/inbox-service.js';
import type { InstanceService } from '../../app/instance-service.js';
import type { KnowledgeBaseService } from '../../app/knowledge-base.js';
import type { MonitoringService } from '../../app/monitoring-service.js';
import type { TaskService } from '../../app/task-service.js';
import type { Clock } from '../../domain/clock.js';

/**
 * What the web pages need from the application. The web core (session, CSRF, layout)
 * adds its own collaborators (accounts, sessions) in `WebCoreDeps`; page modules
 * only see these.
 */
export interface WebPageDeps {
  readonly definitions: DefinitionsService;
  readonly instances: InstanceService;
  readonly tasks: TaskService;
  readonly inbox: InboxService;
  readonly monitoring: MonitoringService;
  /** Articles, search and step checklists (docs/adr/0023). */
  readonly knowledgeBase: KnowledgeBaseService;
  /** Group mailboxes the admin edits under /admin/directory (absent: no such pages). */
  readonly directory?: DirectoryService;
  readonly clock: Clock;
  readonly logger: Logger;
}
