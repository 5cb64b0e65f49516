import type { Server } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino, type Logger } from 'pino';
import type { Db } from 'mongodb';
import { BcryptHasher } from './adapters/auth/bcrypt-hasher.js';
import { ZxcvbnPasswordPolicy } from './adapters/auth/zxcvbn-password-policy.js';
import { StaticTokenAuthenticator } from './adapters/auth/static-tokens.js';
import { BpmnDefinitionParser } from './adapters/bpmn/definition-parser.js';
import { systemClock } from './adapters/clock/system-clock.js';
import { connectDatabase, type Database } from './adapters/db/connect.js';
import { EmbeddedFerretDb } from './adapters/db/embedded-ferretdb.js';
import { killAtFaultPoint } from './adapters/chaos/kill-at-fault-point.js';
import { backfillOpenWork } from './adapters/persistence/open-work-backfill.js';
import { WorkerEngine } from './adapters/engine/worker-engine.js';
import { FileFormSources } from './adapters/forms/file-form-sources.js';
import { FileFormValidator } from './adapters/forms/file-form-validator.js';
import { MongoAccountRepository } from './adapters/persistence/mongo-account-repository.js';
import { MongoDefinitionRepository } from './adapters/persistence/mongo-definition-repository.js';
import { MongoInstanceStore } from './adapters/persistence/mongo-instance-store.js';
import { MongoOutbox } from './adapters/persistence/mongo-outbox.js';
import { MongoPendingSteps } from './adapters/persistence/mongo-pending-steps.js';
import { MongoSessionRepository } from './adapters/persistence/mongo-session-repository.js';
import { MongoThrottleCounters } from './adapters/persistence/mongo-throttle-counters.js';
import { MongoTaskRepository } from './adapters/persistence/mongo-task-repository.js';
import { MongoTicketNumbers } from './adapters/persistence/mongo-ticket-numbers.js';
import { AgendaScheduler } from './adapters/scheduler/agenda-scheduler.js';
import { FileRecipientDirectory } from './adapters/mail/file-directory.js';
import { MongoDirectoryRepository } from './adapters/persistence/mongo-directory-repository.js';
import { DirectoryService } from './app/directory-service.js';
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
import { CallActivities } from './app/call-activities.js';
import { InboxService } from './app/inbox-service.js';
import { InstanceService } from './app/instance-service.js';
import { MonitoringService } from './app/monitoring-service.js';
import { KnowledgeBaseService } from './app/knowledge-base.js';
import { FileChecklistCatalog } from './adapters/kb/file-checklists.js';
import { MiniSearchArticleIndex } from './adapters/kb/minisearch-index.js';
import { MongoArticleStore } from './adapters/persistence/mongo-kb-store.js';
import { StepReconciler } from './app/reconciler.js';
import { SessionService } from './app/session-service.js';
import { LoginThrottle } from './app/login-throttle.js';
import { TaskService } from './app/task-service.js';
import { MessageService } from './app/message-service.js';
import { OpenWorkAwaitingLookup } from './adapters/persistence/awaiting-lookup.js';
import { TimerService } from './app/timer-service.js';
import type { Clock } from './domain/clock.js';
import { startBackgroundJobs } from './background-jobs.js';
import { CatchUpMonitor } from './catch-up.js';
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
    /** Messages and signals (ADR 0018): the requester portal and email replies deliver through it. */
    messages: MessageService;
    timers: TimerService;
    inbox: InboxService;
    monitoring: MonitoringService;
    accounts: AccountService;
    sessions: SessionService;
    /** Group mailboxes of the escalation matrices (ADR 0021). */
    directory: DirectoryService;
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
  const backfilled = await backfillOpenWork(models, clock.now());
  if (backfilled)
    logger.info({ heads: backfilled }, 'open-work collections filled from existing tickets (once)');

  const store = new MongoInstanceStore(models);
  const tasks = new MongoTaskRepository(models);
  const outbox = new MongoOutbox(models);
  const directoryFile = await FileRecipientDirectory.load(config.directoryFile);
  // Group mailboxes live in the database, seeded from the file on the first start (ADR 0021).
  const directory = new DirectoryService({
    repository: new MongoDirectoryRepository(database.connection),
    clock,
  });
  // Who mail may go to (docs/adr/0012): checked at form submission and again at delivery. The
  // directory's addresses are its live set, so an admin's edit applies at once.
  const mailPolicy = {
    ...directoryFile.mailPolicy(config.mailAllowedDomains, config.mailMaxCc),
    addresses: directory.addresses,
  };
  const forms = new FileFormValidator(config.formsDir, { mailPolicy });
  const scheduler = new AgendaScheduler(
    database.connection.db as unknown as Db,
    {
      processEveryMs: config.timerPollMs,
      lockLifetimeMs: config.timerLockLifetimeMs,
      concurrency: config.timerConcurrency,
      ...(config.timerHorizonMs ? { horizonMs: config.timerHorizonMs } : {}),
    },
    clock,
  );
  // Engine steps run on their own thread: a runaway step never blocks the HTTP server (ADR 0010).
  const engine = new WorkerEngine({
    budget: { maxActivities: config.engineMaxActivities, maxStepMs: config.engineMaxStepMs },
    threads: config.engineThreads,
    cycles: { maxFirings: config.timerCycleMaxFirings, minPeriodMs: config.timerCycleMinPeriodMs },
  });
  const calendars = await FileCalendarRegistry.load(path.join(config.configDir, 'calendars'));
  const slaPolicies = await FileSlaPolicies.load(path.join(config.configDir, 'sla'), calendars);
  const escalationContacts = slaPolicies.list().flatMap((p) => p.escalation.flatMap((level) => level.notify));
  await directory.seed(directoryFile.seedGroups(escalationContacts));
  const definitions = new DefinitionsService({
    definitions: new MongoDefinitionRepository(models),
    parser: new BpmnDefinitionParser({ limits: config.deployLimits }),
    forms,
    clock,
    calendars,
    mailPolicy,
  });
  const slaTracker = new SlaTracker({ definitions, policies: slaPolicies, calendars });
  const pendingSteps = new MongoPendingSteps(database.connection, systemClock);
  await pendingSteps.init();
  const faults = config.faultKillAt
    ? killAtFaultPoint(config.faultKillAt, config.faultKillProbability)
    : undefined;
  const log = new InstanceLog({
    store,
    tasks,
    outbox,
    scheduler,
    annotate: (transition) => slaTracker.annotate(transition),
    pending: pendingSteps,
    logger,
    ...(faults ? { faults } : {}),
  });
  const reconciler = new StepReconciler({
    log,
    pending: pendingSteps,
    settleMs: config.reconcileAfterMs,
    logger,
  });
  const ticketNumbers = new MongoTicketNumbers(models);
  // Call activities open, cancel and resume other tickets as effects of committed steps (ADR 0019).
  log.useCalls(new CallActivities({ log, definitions, engine, ticketNumbers, clock, logger }));
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
  const messages = new MessageService({
    definitions,
    engine,
    log,
    clock,
    ticketNumbers,
    lookup: new OpenWorkAwaitingLookup(models, ticketNumbers),
  });
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
  // Articles are few: loaded once into an in-process search index (docs/adr/0023).
  const knowledgeBase = new KnowledgeBaseService({
    store: new MongoArticleStore(database.connection),
    index: new MiniSearchArticleIndex(),
    checklists: await FileChecklistCatalog.load(path.join(config.configDir, 'checklists')),
    clock,
  });
  await knowledgeBase.load();
  const accounts = new AccountService({
    repository: new MongoAccountRepository(database.connection),
    hasher: new BcryptHasher(config.bcryptCost),
    passwordPolicy: new ZxcvbnPasswordPolicy(),
    clock,
  });
  const sessions = new SessionService({
    repository: new MongoSessionRepository(database.connection),
    accounts,
    clock,
    policy: { idleTimeoutMs: config.sessionIdleMs, absoluteTimeoutMs: config.sessionAbsoluteMs },
  });
  const firstAdminPassword = config.bootstrapAdmin
    ? await bootstrapAdmin(accounts, config.defaultLanguage)
    : undefined;

  const deployStartedAt = Date.now();
  await deployDirectory(config.processesDir, definitions, logger);
  await reportPolicyIssues(slaPolicies, definitions, logger);
  logger.info({ ms: Date.now() - deployStartedAt }, 'procedures deployed');
  const transport = config.smtp ? new SmtpMailTransport(config.smtp) : undefined;
  const notifications = transport
    ? new NotificationDispatcher({
        ledger: new MongoDeliveryLedger(models, bindDeliveryModels(database.connection)),
        renderer: new HandlebarsMessageRenderer({
          dir: config.messageTemplatesDir,
          timeZone: config.mailTimeZone,
        }),
        directory,
        transport,
        clock,
        logger,
        policy: { recipients: mailPolicy },
        ...(faults ? { faults } : {}),
      })
    : undefined;
  if (!notifications)
    logger.warn(
      'no SMTP server configured (HELPDESK_SMTP_URL or HELPDESK_SMTP_HOST): notifications stay in the outbox',
    );
  const loginThrottle = new LoginThrottle({
    store: new MongoThrottleCounters(database.connection),
    clock,
    policy: config.loginThrottle,
  });
  // Ended windows' counters are deleted with the expired sessions' rhythm (FerretDB v1 has no TTL index).
  const throttlePurge = setInterval(
    () =>
      void loginThrottle
        .purgeExpired()
        .catch((error: unknown) => logger.error({ err: error }, 'login throttle purge failed')),
    config.sessionCleanupEveryMs,
  );
  throttlePurge.unref();

  const catchUp = new CatchUpMonitor({
    overdueTimerJobs: () => scheduler.countOverdue(),
    pendingEmails: () => models.outboxPending.countDocuments(),
  });
  const app = createHttpApp({
    definitions,
    instances,
    tasks: taskService,
    messages,
    knowledgeBase,
    authenticator: new StaticTokenAuthenticator(config.tokens),
    logger,
    web: {
      definitions,
      instances,
      tasks: taskService,
      inbox,
      monitoring,
      knowledgeBase,
      accounts,
      sessions,
      directory,
      clock,
      logger,
      templatesDir: config.templatesDir,
      publicDir: config.publicDir,
      timeZone: config.timeZone,
      secureCookies: config.cookieSecure,
      loginLimit: loginThrottle,
      defaultLanguage: config.defaultLanguage,
    },
    trustProxy: config.trustProxy,
    health: {
      check: async () => ({
        database: await database.connection.db!.command({ ping: 1 }).then(
          () => 'up' as const,
          () => 'down' as const,
        ),
        scheduler: scheduler.state(),
        ...(await catchUp.status()),
      }),
    },
  });
  const server = await listen(app, config.port, config.host);
  // Ready first (docs/adr/0015): instance work (timer jobs, promotion, sweep, reconciliation, mail)
  // starts only now that the app answers, so a backlog never holds back the listener.
  const background = startBackgroundJobs({ timers, sessions, logger, config, reconciler });
  notifications?.start(config.mailPollMs);
  const instanceWork = Promise.all([scheduler.start(timers, logger), background.promoted]).then(
    () => catchUp.markStarted(),
    (error: unknown) => logger.error({ err: error }, 'timer scheduler failed to start'),
  );
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
    services: {
      definitions,
      instances,
      tasks: taskService,
      messages,
      timers,
      inbox,
      monitoring,
      accounts,
      sessions,
      directory,
    },
    database,
    async stop() {
      await instanceWork;
      await background.stop();
      clearInterval(throttlePurge);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await scheduler.stop();
      await engine.close();
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
