import type { Server } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino, type Logger } from 'pino';
import { MongoRequesterStore } from './adapters/persistence/mongo-requesters.js';
import { OutOfHours } from './app/out-of-hours.js';
import { RequesterDirectory } from './app/requester-directory.js';
import { RequesterStartHooks } from './app/requester-directory-start.js';
import { InstitutionalAccounts } from './app/requester-directory-institutional.js';
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
import { FileFormSeeds, VersionedForms } from './adapters/forms/versioned-forms.js';
import { MongoFormVersionStore } from './adapters/persistence/mongo-form-versions.js';
import { FormVersions } from './app/form-versions.js';
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
import { ConversationService } from './app/conversation-service.js';
import { AttachmentService } from './app/attachment-service.js';
import { MongoAttachmentStore } from './adapters/persistence/mongo-attachment-store.js';
import { attachmentLimits } from './domain/attachment.js';
import { ReportRecorder } from './app/reports-recorder.js';
import { ReportsService } from './app/reports-service.js';
import { MongoReportStore } from './adapters/persistence/mongo-report-store.js';
import { MongoReportRuns } from './adapters/persistence/mongo-report-runs.js';
import { ReportSchedules } from './app/reports-schedule.js';
import { loadSchedules, reportJob } from './adapters/scheduler/report-job.js';
import { Translations } from './http/web/core/i18n.js';
import type { UiLanguage } from './http/web/page.js';
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
import { PortalIntake } from './app/portal-intake.js';
import { transportMailer } from './app/portal-mailer.js';
import { PortalThrottle } from './app/portal-throttle.js';
import { MongoPortalRequests } from './adapters/persistence/mongo-portal-requests.js';
import { TaskService } from './app/task-service.js';
import { MongoRequesterLinks } from './adapters/persistence/mongo-requester-links.js';
import { RequesterLinks } from './app/requester-links.js';
import { withRequesterLinks } from './app/requester-link-mail.js';
import { RequesterLookup } from './app/requester-lookup.js';
import { SatisfactionSurvey } from './app/satisfaction-survey.js';
import { requesterPanel, type RequesterWebDeps } from './http/web/requester/requester-pages.js';
import { MessageService } from './app/message-service.js';
import { OpenWorkAwaitingLookup } from './adapters/persistence/awaiting-lookup.js';
import { TimerService } from './app/timer-service.js';
import type { Clock } from './domain/clock.js';
import { startBackgroundJobs } from './background-jobs.js';
import { ImapMailbox } from './adapters/mail/imap-mailbox.js';
import { MongoMailboxLedger } from './adapters/mail/imap-ledger.js';
import { createMailboxPoller, intakeTickets, type MailboxPoller } from './app/mailbox-poller.js';
import { MailboxRefusals } from './app/mailbox-refusals.js';
import { addRequesterReply } from './app/requester-reply.js';
import { messageIdDomainOf } from './domain/inbound-mail.js';
import { CatchUpMonitor } from './catch-up.js';
import { loadConfig, type Config } from './config.js';
import { deployDirectory, reportPolicyIssues } from './load-procedures.js';
import { createHttpApp } from './http/create-app.js';
import { DryRunService } from './app/dry-run.js';
import { MigrationService } from './app/migration.js';
import { withoutEmails } from './adapters/bpmn/dry-run-xml.js';

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
  // modeler: versioned forms (docs/adr/0028); forms/ files are version 1 at first use; procedure versions pin theirs.
  const formVersions = new FormVersions({
    store: new MongoFormVersionStore(database.connection),
    clock,
    seeds: new FileFormSeeds(config.formsDir),
  });
  for (const refresh of await formVersions.refreshSeeds()) {
    logger.warn(
      refresh,
      'form file changed since seeded (updated: new version; kept: edited in the browser)',
    );
  }
  // requesters: the directory's institutional accounts count for the institutional-email rule (ADR 0030).
  const institutional: InstitutionalAccounts = new InstitutionalAccounts(
    (): Promise<string[]> => requesters.institutionalEmails(),
    clock,
  );
  const forms = new VersionedForms(formVersions, { mailPolicy, institutionalAddresses: institutional.has });
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
    // bpmn-semantics: forms generated from camunda:formData become form versions (ADR 0031).
    generatedForms: formVersions,
  });
  const slaTracker = new SlaTracker({ definitions, policies: slaPolicies, calendars });
  const pendingSteps = new MongoPendingSteps(database.connection, systemClock);
  await pendingSteps.init();
  const faults = config.faultKillAt
    ? killAtFaultPoint(config.faultKillAt, config.faultKillProbability)
    : undefined;
  // reports: the reporting read model, written with each step's effects (docs/adr/0027).
  const reportFacts = new MongoReportStore(database.connection);
  await reportFacts.init();
  const reportRecorder = new ReportRecorder({
    facts: reportFacts,
    steps: store,
    dimensions: (definitionId) =>
      definitions.byId(definitionId).then(
        (version) => version.catalog.reportDimensions ?? [],
        () => [],
      ),
    timeZone: config.timeZone,
  });
  const reports = new ReportsService({
    facts: reportFacts,
    store,
    definitions,
    clock,
    timeZone: config.timeZone,
  });
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
  // Call activities open, cancel and resume other tickets as effects of committed steps (ADR 0019).
  log.useCalls(new CallActivities({ log, definitions, engine, ticketNumbers, clock, logger }));
  // requesters: directory, start-form lookup, screen-pop and out-of-hours answers (docs/adr/0030).
  const requesters: RequesterDirectory = new RequesterDirectory({
    store: new MongoRequesterStore(database.connection),
    clock,
    onChange: (): Promise<void> => institutional.refresh(),
  });
  await institutional.refresh();
  const startHooks = new RequesterStartHooks(
    new OutOfHours({ calendars, languageOf: (email) => requesters.languageOf(email) }),
    requesters,
    (error, instanceId) =>
      logger.warn({ err: error, instanceId }, 'requester directory: ticket not recorded'),
  );
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
  // requester: tracking links, survey answers and the /track lookup (docs/adr/0025).
  const requesterStore = new MongoRequesterLinks(database.connection);
  const requesterLinks = new RequesterLinks({
    store: requesterStore,
    clock,
    publicUrl: config.publicUrl,
    trackDays: config.requesterLinkDays,
    ...(config.requesterLinkSecret ? { secret: config.requesterLinkSecret } : {}),
  });
  const requesterWeb: RequesterWebDeps = {
    links: requesterLinks,
    lookup: new RequesterLookup({
      counters: new MongoThrottleCounters(database.connection),
      clock,
      log,
      definitions,
      instanceIdOf: async (key) => ticketNumbers.instanceOf?.(key),
    }),
    survey: new SatisfactionSurvey({ answers: requesterStore, log, definitions, clock }),
    conversation: conversations,
    attachments,
    messages,
    log,
    definitions,
    secureCookies: config.cookieSecure,
  };
  const transport = config.smtp ? new SmtpMailTransport(config.smtp) : undefined;
  // reports: scheduled reports (config/reports/schedules.json), sent by an Agenda job (docs/adr/0027).
  const reportRuns = new MongoReportRuns(database.connection);
  await reportRuns.init();
  const reportLabels = new Translations(path.join(config.templatesDir, 'i18n'), logger);
  const reportSchedules = new ReportSchedules({
    schedules: await loadSchedules(path.join(config.configDir, 'reports', 'schedules.json')),
    reports,
    runs: reportRuns,
    ...(transport ? { transport } : {}),
    directory,
    label: (language, key, vars) => reportLabels.t(language as UiLanguage, key, vars),
    clock,
    owner: `${process.pid}:${Date.now()}`,
    logger,
  });
  if (config.reportJobEveryMs > 0) scheduler.recurring(reportJob(reportSchedules, config.reportJobEveryMs));
  const notifications = transport
    ? new NotificationDispatcher({
        // requester: links are added to requester-bound mail at delivery (docs/adr/0025).
        ledger: withRequesterLinks(
          new MongoDeliveryLedger(models, bindDeliveryModels(database.connection)),
          requesterLinks,
        ),
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
  // mailbox: email-to-ticket (docs/adr/0029): desk mailboxes over IMAP open tickets, thread replies.
  const mailboxLedger = new MongoMailboxLedger(database.connection);
  const mailboxes = createMailboxPoller({
    boxes: config.mailboxes,
    ledger: mailboxLedger,
    readerFor: (box) => new ImapMailbox(box),
    tickets: intakeTickets({ instances, log, ticketNumbers }),
    reply: (instanceId, input, actor, key) =>
      addRequesterReply(
        { conversation: conversations, messages, log, definitions },
        instanceId,
        input,
        actor,
        key,
      ),
    attachments: (upload) => attachments.store(upload),
    entry: (instanceId, input, actor, key) => conversations.add(instanceId, input, actor, key),
    refusals: new MailboxRefusals({
      ledger: mailboxLedger,
      renderer: new HandlebarsMessageRenderer({
        dir: config.messageTemplatesDir,
        timeZone: config.mailTimeZone,
      }),
      ...(transport ? { transport } : {}),
      clock,
    }),
    ourDomain: messageIdDomainOf(config.smtp?.from ?? ''),
    clock,
    logger,
  });
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
  // portal: public intake with a mailed one-time link (docs/adr/0026); counters share login_throttle.
  const portal = new PortalIntake({
    definitions,
    forms,
    instances,
    requests: new MongoPortalRequests(database.connection),
    throttle: new PortalThrottle({
      store: new MongoThrottleCounters(database.connection),
      clock,
      policy: config.portalThrottle,
    }),
    ...(transport ? { mailer: transportMailer(transport) } : {}),
    renderer: new HandlebarsMessageRenderer({
      dir: config.messageTemplatesDir,
      timeZone: config.mailTimeZone,
    }),
    clock,
    publicUrl: config.publicUrl,
    trackingLink: (instanceId, email) => requesterLinks.mintRandom('track', instanceId, email),
    logger,
  });
  const portalPurge = setInterval(
    () => void portal.purge().catch((error: unknown) => logger.error({ err: error }, 'portal purge failed')),
    config.sessionCleanupEveryMs,
  );
  portalPurge.unref();

  // bpmn-semantics: dry runs of unsaved diagrams under scratch procedure ids, instance migration (ADR 0031).
  const dryRuns = new DryRunService({ definitions, instances, tasks: taskService, clock, withoutEmails });
  const migrations = new MigrationService({ definitions, log, store, tasks, engine, clock });

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
      requester: requesterWeb,
      requesterPanel: requesterPanel(requesterWeb),
      clock,
      logger,
      templatesDir: config.templatesDir,
      publicDir: config.publicDir,
      timeZone: config.timeZone,
      secureCookies: config.cookieSecure,
      loginLimit: loginThrottle,
      defaultLanguage: config.defaultLanguage,
      portal,
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
    },
    database,
    async stop() {
      await instanceWork;
      await background.stop();
      clearInterval(throttlePurge);
      clearInterval(portalPurge);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await scheduler.stop();
      await engine.close();
      await mailboxes.stop();
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
