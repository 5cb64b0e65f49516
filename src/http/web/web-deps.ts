import type { Logger } from 'pino';
import type { Actor } from '../../domain/actor.js';
import type { DefinitionsService } from '../../app/definitions-service.js';
import type { DirectoryService } from '../../app/directory-service.js';
import type { FormVersions } from '../../app/form-versions.js';
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
  /** Supervisor reports (docs/adr/0027); absent: no report pages. */
  readonly reports?: import('../../app/reports-service.js').ReportsService;
  /** Versioned forms the analyst edits (docs/adr/0028; absent: no form editor pages). */
  readonly formVersions?: FormVersions;
  /**
   * Requester section of the instance and task pages (issue 11, docs/adr/0025): survey answer,
   * "no email" flag, revoke and paper-ballot forms. Absent: the section is not shown.
   */
  readonly requesterPanel?: (instanceId: string, user: Actor) => Promise<Record<string, unknown>>;
  /** Requester directory pages, start-form lookup and screen-pop (docs/adr/0030); absent: none. */
  readonly requesters?: import('../../app/requester-directory.js').RequesterDirectory;
  /** Instance migration between versions (ADR 0031); absent: no /migration page. */
  readonly migrations?: import('../../app/migration.js').MigrationService;
  /** Files of `filepicker` fields on start and task forms (docs/adr/0032); absent: such posts carry no files. */
  readonly formFiles?: import('../../app/form-files.js').FormFiles;
  /** Display names of accounts, for candidate users shown by name (the web core passes its AccountService). */
  readonly accounts?: import('./core/candidate-names.js').AccountNames;
  readonly clock: Clock;
  readonly logger: Logger;
}
