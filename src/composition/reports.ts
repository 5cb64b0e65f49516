/** Composition root, reports (docs/adr/0027): the read model written with each step, and schedules. */
import path from 'node:path';
import type { Logger } from 'pino';
import type { Connection } from 'mongoose';
import { MongoReportRuns } from '../adapters/persistence/mongo-report-runs.js';
import { bindDeliveryModels } from '../adapters/persistence/delivery-models.js';
import { MongoDeliveryLedger } from '../adapters/persistence/mongo-delivery-ledger.js';
import type { MongoOutbox } from '../adapters/persistence/mongo-outbox.js';
import { MongoReportStore } from '../adapters/persistence/mongo-report-store.js';
import type { AgendaScheduler } from '../adapters/scheduler/agenda-scheduler.js';
import { loadSchedules, reportJob } from '../adapters/scheduler/report-job.js';
import type { DefinitionsService } from '../app/definitions-service.js';
import type { MailTransport } from '../app/notification-ports.js';
import type { InstanceStore } from '../app/ports.js';
import { ReportRecorder } from '../app/reports-recorder.js';
import { ReportSchedules } from '../app/reports-schedule.js';
import type { CalendarRegistry } from '../app/calendar-registry.js';
import { backfillReportsOnStart } from '../adapters/persistence/mongo-report-rebuild.js';
import type { Models } from '../adapters/persistence/models.js';
import { ReportsService } from '../app/reports-service.js';
import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';
import type { Translations } from '../http/web/core/i18n.js';
import type { UiLanguage } from '../http/web/page.js';

/** The reporting read model: its recorder (for the instance log) and the reports it serves. */
export async function wireReports(deps: {
  connection: Connection;
  store: InstanceStore;
  definitions: DefinitionsService;
  clock: Clock;
  config: Config;
}): Promise<{ recorder: ReportRecorder; reports: ReportsService }> {
  const facts = new MongoReportStore(deps.connection);
  await facts.init();
  const recorder = new ReportRecorder({
    facts,
    steps: deps.store,
    dimensions: (definitionId) =>
      deps.definitions.byId(definitionId).then(
        (version) => version.catalog.reportDimensions ?? [],
        () => [],
      ),
    timeZone: deps.config.timeZone,
  });
  const reports = new ReportsService({
    facts,
    store: deps.store,
    definitions: deps.definitions,
    clock: deps.clock,
    timeZone: deps.config.timeZone,
  });
  return { recorder, reports };
}

/** Scheduled reports (config/reports/schedules.json), sent by a recurring Agenda job. */
export async function wireReportSchedules(deps: {
  connection: Connection;
  models: Models;
  /** The app's outbox: runs queue their messages there, and the notification dispatcher sends them. */
  outbox: MongoOutbox;
  config: Config;
  /** Business calendars a schedule may follow (docs/adr/0035). */
  calendars: CalendarRegistry;
  reports: ReportsService;
  /** Without a mail server nothing is queued (docs/adr/0027). */
  transport: MailTransport | undefined;
  scheduler: AgendaScheduler;
  clock: Clock;
  logger: Logger;
  /** The UI strings the web pages use too (one copy per process). */
  translations: Translations;
}): Promise<ReportSchedules> {
  const { config } = deps;
  const runs = new MongoReportRuns(deps.connection);
  await runs.init();
  const labels = deps.translations;
  const schedules = new ReportSchedules({
    schedules: await loadSchedules(path.join(config.configDir, 'reports', 'schedules.json')),
    reports: deps.reports,
    runs,
    // Sent by the outbox: the notification dispatcher delivers and retries the runs' messages.
    ...(deps.transport
      ? {
          mailing: {
            outbox: deps.outbox,
            ledger: new MongoDeliveryLedger(deps.models, bindDeliveryModels(deps.connection)),
          },
        }
      : {}),
    label: (language, key, vars) => labels.t(language as UiLanguage, key, vars),
    clock: deps.clock,
    calendars: deps.calendars,
    owner: `${process.pid}:${Date.now()}`,
    logger: deps.logger,
  });
  if (config.reportJobEveryMs > 0) deps.scheduler.recurring(reportJob(schedules, config.reportJobEveryMs));
  return schedules;
}

/**
 * The one-time backfill of the reporting read model from existing tickets (docs/adr/0035): only
 * when `report_facts` is empty and tickets exist, by one process, in the background (start-up
 * does not wait for it; a failure is logged and left to `npm run admin -- rebuild-reports`).
 */
export function startReportBackfill(
  database: { connection: Connection; models: Models },
  config: Config,
  clock: Clock,
  logger: Logger,
): void {
  void backfillReportsOnStart(database, {
    timeZone: config.timeZone,
    owner: `${process.pid}:${Date.now()}`,
    now: () => clock.now(),
    logger,
  }).catch((error: unknown) => logger.error({ err: error }, 'reports: backfill check failed'));
}
