import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Authenticator } from '../app/authenticator.js';
import type { DefinitionsService } from '../app/definitions-service.js';
import type { InstanceService } from '../app/instance-service.js';
import type { MessageService } from '../app/message-service.js';
import type { KnowledgeBaseService } from '../app/knowledge-base.js';
import type { TaskService } from '../app/task-service.js';
import { requireActor } from './auth-middleware.js';
import { errorHandler } from './error-handler.js';
import { instancesRouter } from './routes/instances.js';
import { messagesRouter } from './routes/messages.js';
import { dryRunRouter } from './routes/dry-run.js';
import type { DryRunService } from '../app/dry-run.js';
import { migrationRouter } from './routes/migration.js';
import type { MigrationService } from '../app/migration.js';
import { kbRouter } from './routes/kb.js';
import { requestersRouter } from './routes/requesters.js';
import type { RequesterDirectory } from '../app/requester-directory.js';
import { proceduresRouter } from './routes/procedures.js';
import { tasksRouter } from './routes/tasks.js';
import type { TrustProxy } from './trust-proxy.js';
import { securityHeaders } from './web/core/security-headers.js';
import { webRouter, type WebCoreDeps } from './web/web-router.js';

/** Reports whether the database and the scheduler work. */
export interface HealthProbe {
  check(): Promise<HealthReport>;
}

/**
 * What /health answers. A process is ready as soon as it listens; while it still works off a
 * backlog (`catchingUp`, counts in `backlog`) it serves requests and answers 200
 * (docs/adr/0015-ready-first-and-timer-locks.md).
 */
export interface HealthReport {
  readonly database: 'up' | 'down';
  /** `starting` between listening and the start of timer processing. */
  readonly scheduler: 'starting' | 'running' | 'stopped';
  readonly catchingUp?: boolean;
  readonly backlog?: Readonly<Record<string, number | null>>;
}

/** What the HTTP layer needs from the application. */
export interface HttpDeps {
  readonly definitions: DefinitionsService;
  readonly instances: InstanceService;
  readonly tasks: TaskService;
  /** Messages and signals (ADR 0018); without it their routes answer 404. */
  readonly messages?: MessageService;
  /** Dry runs of unsaved diagrams (ADR 0031); without it their routes answer 404. */
  readonly dryRuns?: DryRunService;
  /** Instance migration between versions (ADR 0031); without it its routes answer 404. */
  readonly migrations?: MigrationService;
  /** Requester directory lookup for the telephony screen-pop (docs/adr/0030); absent: 404. */
  readonly requesters?: RequesterDirectory;
  readonly knowledgeBase: KnowledgeBaseService;
  readonly authenticator: Authenticator;
  readonly health: HealthProbe;
  readonly logger: Logger;
  /** The web app's collaborators (accounts, sessions, read services, templates). */
  readonly web: WebCoreDeps;
  /** Which proxies' X-Forwarded-For to believe for `req.ip` (HELPDESK_TRUST_PROXY; default none). */
  readonly trustProxy?: TrustProxy;
}

/** Builds the Express app: JSON API under /api, health at /health, the web app at /. */
export function createHttpApp(deps: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  app.use(securityHeaders(deps.web.secureCookies));

  app.get('/health', async (_req, res) => {
    const health = await deps.health.check();
    const ok = health.database === 'up' && health.scheduler !== 'stopped';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', ...health });
  });

  const api = express.Router();
  // JSON bodies only for the API: web forms get strings from urlencoded bodies, never objects.
  api.use(express.json({ limit: '1mb' }));
  api.use(requireActor(deps.authenticator));
  if (deps.messages) api.use(messagesRouter(deps.messages));
  if (deps.dryRuns) api.use('/dry-runs', dryRunRouter(deps.dryRuns));
  if (deps.migrations) api.use('/migrations', migrationRouter(deps.migrations));
  api.use('/procedures', proceduresRouter(deps.definitions, deps.instances));
  api.use('/instances', instancesRouter(deps.instances));
  api.use('/tasks', tasksRouter(deps.tasks));
  api.use('/kb', kbRouter(deps.knowledgeBase));
  if (deps.requesters) api.use('/requesters', requestersRouter(deps.requesters));
  app.use('/api', api);
  app.use('/api', jsonNotFound);
  app.use('/api', errorHandler(deps.logger));

  // modelertools: the modeler's dry runs use the API's service with the web session.
  app.use(webRouter(deps.dryRuns && !deps.web.dryRuns ? { ...deps.web, dryRuns: deps.dryRuns } : deps.web));
  app.use(jsonNotFound);
  app.use(errorHandler(deps.logger));
  return app;
}

const jsonNotFound: RequestHandler = (req, res) => {
  res.status(404).json({
    error: {
      code: 'NOT_FOUND',
      message: `no route for ${req.method} ${req.baseUrl}${req.path}`,
      details: [],
    },
  });
};
