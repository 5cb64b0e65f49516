import type { Server } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Translations } from './http/web/core/i18n.js';
import { pino, type Logger } from 'pino';
import { wireAccounts, wireLoginThrottle } from './composition/accounts.js';
import { wireForms } from './composition/forms.js';
import { messageRenderer, wireMailboxes, wireNotifications } from './composition/mail.js';
import { wirePortal } from './composition/portal.js';
import { startReportBackfill, wireReports, wireReportSchedules } from './composition/reports.js';
import { requesterStartHooks, wireRequesterDirectory, wireRequesterLinks } from './composition/requesters.js';
import { RequesterDirectory } from './app/requester-directory.js';
import type { Db } from 'mongodb';
import { StaticTokenAuthenticator } from './adapters/auth/static-tokens.js';
import { BpmnDefinitionParser } from './adapters/bpmn/definition-parser.js';
import { systemClock } from './adapters/clock/system-clock.js';
import { connectDatabase, type Database } from './adapters/db/connect.js';
import { EmbeddedFerretDb } from './adapters/db/embedded-ferretdb.js';
import { killAtFaultPoint } from './adapters/chaos/kill-at-fault-point.js';
import { backfillOpenWork } from './adapters/persistence/open-work-backfill.js';
import { WorkerEngine } from './adapters/engine/worker-engine.js';
import { FormVersions } from './app/form-versions.js';
import { MongoDefinitionRepository } from './adapters/persistence/mongo-definition-repository.js';
import { MongoInstanceStore } from './adapters/persistence/mongo-instance-store.js';
import { MongoOutbox } from './adapters/persistence/mongo-outbox.js';
import { MongoPendingSteps } from './adapters/persistence/mongo-pending-steps.js';
import { MongoTaskRepository } from './adapters/persistence/mongo-task-repository.js';
import { MongoTicketNumbers } from './adapters/persistence/mongo-ticket-numbers.js';
import { AgendaScheduler } from './adapters/scheduler/agenda-scheduler.js';
import { FileRecipientDirectory } from './adapters/mail/file-directory.js';
import { MongoDirectoryRepository } from './adapters/persistence/mongo-directory-repository.js';
import { DirectoryService, warnPlaceholderContacts } from './app/directory-service.js';
import { SmtpMailTransport } from './adapters/mail/smtp-transport.js';
import { FileCalendarRegistry } from './adapters/calendar/file-calendar-registry.js';
import { FileSlaPolicies } from './adapters/sla/file-sla-policies.js';
import { SlaEscalations } from './app/sla-escalations.js';
import { SlaTracker } from './app/sla-tracker.js';
import { AccountService } from './app/account-service.js';
import { DefinitionsService } from './app/definitions-service.js';
import { ConversationService } from './app/conversation-service.js';
import { AttachmentService } from './app/attachment-service.js';
import { FormFiles } from './app/form-files.js';
import type { PortalIntake } from './app/portal-intake.js';
import { MongoAttachmentStore } from './adapters/persistence/mongo-attachment-store.js';
import { attachmentLimits } from './domain/attachment.js';
import { ReportsService } from './app/reports-service.js';
import { ReportSchedules } from './app/reports-schedule.js';
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
import { TaskService } from './app/task-service.js';
import { requesterPanel } from './http/web/requester/requester-pages.js';
import { MessageService } from './app/message-service.js';
import { OpenWorkAwaitingLookup } from './adapters/persistence/awaiting-lookup.js';
import { TimerService } from './app/timer-service.js';
import type { Clock } from './domain/clock.js';
import { startBackgroundJobs } from './background-jobs.js';
import { type MailboxPoller } from './app/mailbox-poller.js';
import { CatchUpMonitor } from './catch-up.js';
import { loadConfig, type Config } from './config.js';
import { deployDirectory, reportPolicyIssues } from './load-procedures.js';
import { createHttpApp } from './http/create-app.js';
import { wireDryRuns } from './composition/dry-runs.js';
import { modelerLists } from './composition/modeler-lists.js';
import { MigrationService } from './app/migration.js';

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
    /** Supervisor reports and scheduled reports (docs/adr/0027). */
    reports: ReportsService;
    reportSchedules: ReportSchedules;
    /** Versioned forms edited in the browser (ADR 0028). */
    formVersions: FormVersions;
    /** Requester directory (docs/adr/0030). */
    requesters: RequesterDirectory;
    /** Ticket conversations and attachments (docs/adr/0024). */
    conversations: ConversationService;
    attachments: AttachmentService;
    /** Email-to-ticket pollers (docs/adr/0029): `pollOnce()` reads every configured mailbox now. */
    mailboxes: MailboxPoller;
    /** Public portal intake (docs/adr/0026): `purge()` runs its background sweep now. */
    portal: PortalIntake;
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
  // The requester directory's institutional accounts count for the institutional-email rule (ADR 0030).
  const { requesters, institutional } = await wireRequesterDirectory(database.connection, clock);
  const { formVersions, forms } = await wireForms({
    connection: database.connection,
    formsDir: config.formsDir,
    mailPolicy,
    institutionalAddresses: institutional.has,
    clock,
    logger,
  });
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
    ...(config.engineWorkerModule ? { module: config.engineWorkerModule } : {}),
    cycles: { maxFirings: config.timerCycleMaxFirings, minPeriodMs: config.timerCycleMinPeriodMs },
  });
  const calendars = await FileCalendarRegistry.load(path.join(config.configDir, 'calendars'));
  const slaPolicies = await FileSlaPolicies.load(path.join(config.configDir, 'sla'), calendars);
  const escalationContacts = slaPolicies.list().flatMap((p) => p.escalation.flatMap((level) => level.notify));
  await directory.seed(directoryFile.seedGroups(escalationContacts));
  await warnPlaceholderContacts(directory, logger); // the shipped seed's example.org contacts (ADR 0021)
  const definitions = new DefinitionsService({
    definitions: new MongoDefinitionRepository(models),
    parser: new BpmnDefinitionParser({ limits: config.deployLimits }),
    forms,
    clock,
    calendars,
    mailPolicy,
    // bpmn-semantics: forms generated from camunda:formData become form versions (ADR 0031).
    generatedForms: formVersions,
  });
  const slaTracker = new SlaTracker({ definitions, policies: slaPolicies, calendars });
  const pendingSteps = new MongoPendingSteps(database.connection, systemClock, config.markerFlushMs);
  await pendingSteps.init();
  const faults = config.faultKillAt
    ? killAtFaultPoint(config.faultKillAt, config.faultKillProbability)
    : undefined;
  const { recorder: reportRecorder, reports } = await wireReports({
    connection: database.connection,
    store,
    definitions,
    clock,
    config,
  });
  startReportBackfill(database, config, clock, logger);
  const log = new InstanceLog({
    store,
    tasks,
    outbox,
    scheduler,
    annotate: (transition) => slaTracker.annotate(transition),
    pending: pendingSteps,
    reports: reportRecorder,
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
  // Every start (form, portal, message, call activity) runs the requester start hooks (ADR 0030).
  const startHooks = requesterStartHooks(requesters, calendars, logger);
  // Call activities open, cancel and resume other tickets as effects of committed steps (ADR 0019).
  log.useCalls(new CallActivities({ log, definitions, engine, ticketNumbers, clock, logger, startHooks }));
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
    startHooks,
  });
  const taskService = new TaskService({ definitions, engine, log, tasks, forms, clock });
  // conversation: replies, notes and attachments of tickets (docs/adr/0024).
  const conversations = new ConversationService({ log, store, tasks, definitions, clock });
  const attachments = new AttachmentService({
    store: new MongoAttachmentStore(database.connection),
    instances: store,
    tasks,
    clock,
    limits: attachmentLimits(config.attachmentMaxMb),
  });
  const messages = new MessageService({
    definitions,
    engine,
    log,
    clock,
    ticketNumbers,
    lookup: new OpenWorkAwaitingLookup(models, ticketNumbers),
    startHooks,
  });
  const escalations = new SlaEscalations({ definitions, policies: slaPolicies });
  const timers = new TimerService({ definitions, engine, log, clock, store, escalations, scheduler });
  const inbox = new InboxService({
    store,
    tasks,
    definitions,
    clock,
    forms,
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
  const { accounts, sessions, firstAdminPassword } = await wireAccounts(database.connection, config, clock);

  const deployStartedAt = Date.now();
  await deployDirectory(config.processesDir, definitions, logger);
  await reportPolicyIssues(slaPolicies, definitions, logger);
  logger.info({ ms: Date.now() - deployStartedAt }, 'procedures deployed');
  // Tracking links, survey answers and the /track lookup (docs/adr/0025).
  const { links: requesterLinks, web: requesterWeb } = wireRequesterLinks({
    connection: database.connection,
    config,
    clock,
    log,
    definitions,
    ticketNumbers,
    conversations,
    attachments,
    messages,
    requesters,
  });
  const transport = config.smtp ? new SmtpMailTransport(config.smtp) : undefined;
  const renderer = messageRenderer(config);
  const translations = new Translations(path.join(config.templatesDir, 'i18n'), logger);
  const reportSchedules = await wireReportSchedules({
    connection: database.connection,
    models,
    outbox,
    config,
    calendars,
    reports,
    transport,
    scheduler,
    clock,
    logger,
    translations,
  });
  const notifications = wireNotifications({
    models,
    connection: database.connection,
    config,
    transport,
    renderer,
    links: requesterLinks,
    directory,
    mailPolicy,
    clock,
    logger,
    ...(faults ? { faults } : {}),
    attachments, // form-files: send tasks with `attach` mail public ticket files (ADR 0032)
  });
  const mailboxes = await wireMailboxes({
    connection: database.connection,
    config,
    transport,
    renderer,
    instances,
    log,
    ticketNumbers,
    conversations,
    attachments,
    messages,
    definitions,
    clock,
    logger,
    institutional: institutional.has, // directory-flagged accounts pass the mailbox rule (ADR 0030)
  });
  const login = wireLoginThrottle(database.connection, config, clock, logger);
  const portal = wirePortal({
    connection: database.connection,
    config,
    definitions,
    forms,
    instances,
    transport,
    renderer,
    links: requesterLinks,
    clock,
    logger,
    files: new FormFiles(attachments), // portal start forms with files (ADR 0032)
    instanceStore: store,
  });

  // bpmn-semantics: dry runs of unsaved diagrams under scratch procedure ids, instance migration (ADR 0031).
  const dryRuns = wireDryRuns({
    connection: database.connection,
    definitions,
    instances,
    tasks: taskService,
    scheduler,
    clock,
    logger,
  });
  const migrations = new MigrationService({
    definitions,
    log,
    store,
    tasks,
    engine,
    clock,
    batchSize: config.migrationBatch,
  });

  const catchUp = new CatchUpMonitor({
    overdueTimerJobs: () => scheduler.countOverdue(),
    pendingEmails: () => models.outboxPending.countDocuments(),
  });
  const app = createHttpApp({
    definitions,
    instances,
    tasks: taskService,
    messages,
    dryRuns,
    migrations,
    requesters,
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
      requesters,
      formVersions,
      reports,
      migrations,
      conversation: { conversations, attachments },
      formFiles: new FormFiles(attachments), // form-files: filepicker fields (ADR 0032)
      requester: requesterWeb,
      requesterPanel: requesterPanel(requesterWeb),
      clock,
      logger,
      templatesDir: config.templatesDir,
      translations,
      publicDir: config.publicDir,
      timeZone: config.timeZone,
      secureCookies: config.cookieSecure,
      loginLimit: login.loginThrottle,
      defaultLanguage: config.defaultLanguage,
      portal: portal.portal,
      modelerLists: modelerLists(config.messageTemplatesDir, calendars), // modeler panel selects (ADR 0028)
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
  mailboxes.start(config.mailboxPollMs);
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
      formVersions,
      reports,
      reportSchedules,
      requesters,
      conversations,
      attachments,
      mailboxes,
      portal: portal.portal,
    },
    database,
    async stop() {
      await instanceWork;
      await background.stop();
      login.stop();
      portal.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await scheduler.stop();
      await engine.close();
      await mailboxes.stop();
      await notifications?.stop();
      transport?.close();
      await pendingSteps.flush().catch(() => undefined); // else the reconciler settles them later
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
