import { readdir, readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino, type Logger } from 'pino';
import type { Db } from 'mongodb';
import { StaticTokenAuthenticator } from './adapters/auth/static-tokens.js';
import { BpmnDefinitionParser } from './adapters/bpmn/definition-parser.js';
import { systemClock } from './adapters/clock/system-clock.js';
import { connectDatabase, type Database } from './adapters/db/connect.js';
import { EmbeddedFerretDb } from './adapters/db/embedded-ferretdb.js';
import { BpmnEngineRunner } from './adapters/engine/bpmn-engine-runner.js';
import { FileFormValidator } from './adapters/forms/file-form-validator.js';
import { MongoDefinitionRepository } from './adapters/persistence/mongo-definition-repository.js';
import { MongoInstanceStore } from './adapters/persistence/mongo-instance-store.js';
import { MongoOutbox } from './adapters/persistence/mongo-outbox.js';
import { MongoTaskRepository } from './adapters/persistence/mongo-task-repository.js';
import { MongoTicketNumbers } from './adapters/persistence/mongo-ticket-numbers.js';
import { AgendaScheduler } from './adapters/scheduler/agenda-scheduler.js';
import { DefinitionsService } from './app/definitions-service.js';
import { InstanceLog } from './app/instance-log.js';
import { InboxService } from './app/inbox-service.js';
import { InstanceService } from './app/instance-service.js';
import { MonitoringService } from './app/monitoring-service.js';
import { TaskService } from './app/task-service.js';
import { TimerService } from './app/timer-service.js';
import type { Clock } from './domain/clock.js';
import type { Actor } from './domain/actor.js';
import { loadConfig, type Config } from './config.js';
import { createHttpApp } from './http/create-app.js';

const LOADER: Actor = { id: 'system:loader', roles: ['admin'], groups: [] };

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
  const scheduler = new AgendaScheduler(database.connection.db as unknown as Db, {
    processEveryMs: config.timerPollMs,
    lockLifetimeMs: config.timerLockLifetimeMs,
  });
  const engine = new BpmnEngineRunner();
  const log = new InstanceLog({ store, tasks, outbox, scheduler });
  const definitions = new DefinitionsService({
    definitions: new MongoDefinitionRepository(models),
    parser: new BpmnDefinitionParser(),
    forms,
    clock,
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
  const timers = new TimerService({ definitions, engine, log, clock, store });
  const inbox = new InboxService({ store, tasks, definitions, clock });
  const monitoring = new MonitoringService({ store, tasks, definitions, clock });

  await deployDirectory(config.processesDir, definitions, logger);
  await scheduler.start(timers, logger);
  const sweep = setInterval(() => {
    timers.fireOverdue(config.timerSweepGraceMs).then(
      (fired) => fired && logger.warn({ fired }, 'timer sweep fired overdue timers the scheduler had not'),
      (error: unknown) => logger.error({ err: error }, 'timer sweep failed'),
    );
  }, config.timerSweepEveryMs);
  sweep.unref();

  const app = createHttpApp({
    definitions,
    instances,
    tasks: taskService,
    authenticator: new StaticTokenAuthenticator(config.tokens),
    logger,
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

  return {
    url,
    config,
    logger,
    services: { definitions, instances, tasks: taskService, timers, inbox, monitoring },
    database,
    async stop() {
      clearInterval(sweep);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await scheduler.stop();
      await database.close();
      await embedded?.stop();
    },
  };
}

/** Deploys every `*.bpmn` in the folder; a broken file is reported and skipped, never half-stored. */
async function deployDirectory(dir: string, definitions: DefinitionsService, logger: Logger): Promise<void> {
  const files = (await readdir(dir).catch(() => [])).filter((name) => name.endsWith('.bpmn')).sort();
  for (const file of files) {
    const procedureId = file.replace(/\.bpmn$/, '');
    try {
      const xml = await readFile(path.join(dir, file), 'utf8');
      const { version, created } = await definitions.deploy(procedureId, xml, LOADER, file);
      logger.info(
        { procedure: procedureId, version: version.version, created, warnings: version.warnings.length },
        'procedure loaded',
      );
    } catch (error) {
      logger.error({ err: error, file }, `procedure file ${file} was not deployed`);
    }
  }
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
