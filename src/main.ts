import type { Server } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino, type Logger } from 'pino';
import type { Db } from 'mongodb';
import { BcryptHasher } from './adapters/auth/bcrypt-hasher.js';
import { StaticTokenAuthenticator } from './adapters/auth/static-tokens.js';
import { BpmnDefinitionParser } from './adapters/bpmn/definition-parser.js';
import { systemClock } from './adapters/clock/system-clock.js';
import { connectDatabase, type Database } from './adapters/db/connect.js';
import { EmbeddedFerretDb } from './adapters/db/embedded-ferretdb.js';
import { BpmnEngineRunner } from './adapters/engine/bpmn-engine-runner.js';
import { FileFormSources } from './adapters/forms/file-form-sources.js';
import { FileFormValidator } from './adapters/forms/file-form-validator.js';
import { MongoAccountRepository } from './adapters/persistence/mongo-account-repository.js';
import { MongoDefinitionRepository } from './adapters/persistence/mongo-definition-repository.js';
import { MongoInstanceStore } from './adapters/persistence/mongo-instance-store.js';
import { MongoOutbox } from './adapters/persistence/mongo-outbox.js';
import { MongoSessionRepository } from './adapters/persistence/mongo-session-repository.js';
import { MongoTaskRepository } from './adapters/persistence/mongo-task-repository.js';
import { MongoTicketNumbers } from './adapters/persistence/mongo-ticket-numbers.js';
import { AgendaScheduler } from './adapters/scheduler/agenda-scheduler.js';
import { FileRecipientDirectory } from './adapters/mail/file-directory.js';
import { SmtpMailTransport } from './adapters/mail/smtp-transport.js';
import { HandlebarsMessageRenderer } from './adapters/mail/template-renderer.js';
import { bindDeliveryModels } from './adapters/persistence/delivery-models.js';
import { MongoDeliveryLedger } from './adapters/persistence/mongo-delivery-ledger.js';
import { NotificationDispatcher } from './app/notification-dispatcher.js';
import { FileCalendarRegistry } from './adapters/calendar/file-calendar-registry.js';
import { FileSlaPolicies } from './adapters/sla/file-sla-policies.js';
import { SlaEscalations } from './app/sla-escalations.js';
import { SlaTracker } from './app/sla-tracker.js';
import { AccountService } from './app/account-service.js';
import { bootstrapAdmin } from './app/bootstrap-admin.js';
import { DefinitionsService } from './app/definitions-service.js';
import { InstanceLog } from './app/instance-log.js';
import { InboxService } from './app/inbox-service.js';
import { InstanceService } from './app/instance-service.js';
import { MonitoringService } from './app/monitoring-service.js';
import { SessionService } from './app/session-service.js';
import { TaskService } from './app/task-service.js';
import { TimerService } from './app/timer-service.js';
import type { Clock } from './domain/clock.js';
import { startBackgroundJobs } from './background-jobs.js';
import { loadConfig, type Config } from './config.js';
import { deployDirectory, reportPolicyIssues } from './load-procedures.js';
import { createHttpApp } from './http/create-app.js';

/** A running app: its address, services (for tests and scripts) and a clean shutdown. */
export interface RunningApp {
  readonly url: string;
  readonly config: Config;
  readonly logger: Logger;
  readonly services: {
    definitions: DefinitionsService;
    instances: InstanceService;
    tasks: TaskService;
    timers: TimerService;
    inbox: InboxService;
    monitoring: MonitoringService;
    accounts: AccountService;
    sessions: SessionService;
  };
  readonly database: Database;
  stop(): Promise<void>;
}

/** Wires the concrete adapters and starts the database, scheduler and HTTP server. */
export async function startApp(
  config: Config = loadConfig(),
  clock: Clock = systemClock,
): Promise<RunningApp> {
  const logger = pino({ level: config.logLevel, base: { app: 'helpdesk-runner' } });
  const embedded = config.mongoUri
    ? undefined
    : new EmbeddedFerretDb({ dataDir: path.join(config.dataDir, 'ferretdb'), port: config.embeddedDbPort });
  await embedded?.start();
  const database = await connectDatabase(config.mongoUri ?? embedded!.uri, config.dbName);
  const { models } = database;

  const store = new MongoInstanceStore(models);
  const tasks = new MongoTaskRepository(models);
  const outbox = new MongoOutbox(models);
  const forms = new FileFormValidator(config.formsDir);
  const scheduler = new AgendaScheduler(
    database.connection.db as unknown as Db,
    {
      processEveryMs: config.timerPollMs,
      lockLifetimeMs: config.timerLockLifetimeMs,
      ...(config.timerHorizonMs ? { horizonMs: config.timerHorizonMs } : {}),
    },
    clock,
  );
  const engine = new BpmnEngineRunner();
  const calendars = await FileCalendarRegistry.load(path.join(config.configDir, 'calendars'));
  const slaPolicies = await FileSlaPolicies.load(path.join(config.configDir, 'sla'), calendars);
  const definitions = new DefinitionsService({
    definitions: new MongoDefinitionRepository(models),
    parser: new BpmnDefinitionParser(),
    forms,
    clock,
    calendars,
  });
  const slaTracker = new SlaTracker({ definitions, policies: slaPolicies, calendars });
  const log = new InstanceLog({
    store,
    tasks,
    outbox,
    scheduler,
    annotate: (transition) => slaTracker.annotate(transition),
  });
  const ticketNumbers = new MongoTicketNumbers(models);
  const instances = new InstanceService({
    definitions,
    engine,
    log,
    store,
    tasks,
    outbox,
    forms,
    ticketNumbers,
    clock,
  });
  const taskService = new TaskService({ definitions, engine, log, tasks, forms, clock });
  const escalations = new SlaEscalations({ definitions, policies: slaPolicies });
  const timers = new TimerService({ definitions, engine, log, clock, store, escalations, scheduler });
  const inbox = new InboxService({
    store,
    tasks,
    definitions,
    clock,
    forms: new FileFormSources(config.formsDir),
  });
  const monitoring = new MonitoringService({ store, tasks, definitions, clock, timeZone: config.timeZone });
  const accounts = new AccountService({
    repository: new MongoAccountRepository(database.connection),
    hasher: new BcryptHasher(config.bcryptCost),
    clock,
  });
  const sessions = new SessionService({
    repository: new MongoSessionRepository(database.connection),
    accounts,
    clock,
    policy: { idleTimeoutMs: config.sessionIdleMs, absoluteTimeoutMs: config.sessionAbsoluteMs },
  });
  const firstAdminPassword = config.bootstrapAdmin ? await bootstrapAdmin(accounts) : undefined;

  await deployDirectory(config.processesDir, definitions, logger);
  await reportPolicyIssues(slaPolicies, definitions, logger);
  await scheduler.start(timers, logger);
  const transport = config.smtp ? new SmtpMailTransport(config.smtp) : undefined;
  const notifications = transport
    ? new NotificationDispatcher({
        ledger: new MongoDeliveryLedger(models, bindDeliveryModels(database.connection)),
        renderer: new HandlebarsMessageRenderer({
          dir: config.messageTemplatesDir,
          timeZone: config.mailTimeZone,
        }),
        directory: await FileRecipientDirectory.load(config.directoryFile),
        transport,
        clock,
        logger,
      })
    : undefined;
  if (notifications) notifications.start(config.mailPollMs);
  else
    logger.warn(
      'no SMTP server configured (HELPDESK_SMTP_URL or HELPDESK_SMTP_HOST): notifications stay in the outbox',
    );
  const background = await startBackgroundJobs({ timers, sessions, logger, config });

  const app = createHttpApp({
    definitions,
    instances,
    tasks: taskService,
    authenticator: new StaticTokenAuthenticator(config.tokens),
    logger,
    web: {
      definitions,
      instances,
      tasks: taskService,
      inbox,
      monitoring,
      accounts,
      sessions,
      clock,
      logger,
      templatesDir: config.templatesDir,
      publicDir: config.publicDir,
      timeZone: config.timeZone,
      secureCookies: config.cookieSecure,
      loginLimit: { maxFailures: config.loginMaxFailures, windowMs: config.loginWindowMs },
    },
    health: {
      check: async () => ({
        database: await database.connection.db!.command({ ping: 1 }).then(
          () => 'up' as const,
          () => 'down' as const,
        ),
        scheduler: scheduler.isRunning() ? 'running' : 'stopped',
      }),
    },
  });
  const server = await listen(app, config.port, config.host);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  logger.info(
    { url, database: config.mongoUri ? 'MONGODB_URI' : 'embedded FerretDB' },
    'helpdesk runner listening',
  );
  if (config.generatedAdminToken) {
    logger.warn('no HELPDESK_API_TOKENS configured; generated a one-off admin token for this run');
    process.stdout.write(`\nAdmin API token for this run: ${config.generatedAdminToken}\n\n`);
  }
  if (firstAdminPassword) {
    logger.warn('no web accounts yet; created "admin" with a random password (shown once)');
    process.stdout.write(
      `\nWeb login ${url}/login as "admin" with password: ${firstAdminPassword}\n` +
        'Change it under Users, or create accounts with `npm run admin -- create-user`.\n\n',
    );
  }

  return {
    url,
    config,
    logger,
    services: { definitions, instances, tasks: taskService, timers, inbox, monitoring, accounts, sessions },
    database,
    async stop() {
      background.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await scheduler.stop();
      await notifications?.stop();
      transport?.close();
      await database.close();
      await embedded?.stop();
    },
  };
}

function listen(app: ReturnType<typeof createHttpApp>, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => resolve(server));
    server.once('error', reject);
  });
}

const isEntryPoint = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntryPoint) {
  startApp().then(
    (app) => {
      const shutdown = () => void app.stop().then(() => process.exit(0));
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    },
    (error: unknown) => {
      process.stderr.write(
        `helpdesk runner failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
