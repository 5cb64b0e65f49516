/**
 * Scheduled reports wired as in the app, in-process (docs/adr/0027): the real outbox, delivery
 * ledger and notification dispatcher on a real database, with a transport that keeps what it is
 * given (or fails while told to) in place of the mail server.
 */
import path from 'node:path';
import { pino } from 'pino';
import type { Connection } from 'mongoose';
import { HandlebarsMessageRenderer } from '../../../src/adapters/mail/template-renderer.js';
import { bindDeliveryModels } from '../../../src/adapters/persistence/delivery-models.js';
import { bindModels } from '../../../src/adapters/persistence/models.js';
import { MongoDeliveryLedger } from '../../../src/adapters/persistence/mongo-delivery-ledger.js';
import { MongoOutbox } from '../../../src/adapters/persistence/mongo-outbox.js';
import { MongoReportRuns } from '../../../src/adapters/persistence/mongo-report-runs.js';
import type { CalendarRegistry } from '../../../src/app/calendar-registry.js';
import { NotificationDispatcher } from '../../../src/app/notification-dispatcher.js';
import type { MailTransport, OutgoingMail } from '../../../src/app/notification-ports.js';
import { ReportSchedules } from '../../../src/app/reports-schedule.js';
import type { ReportsService } from '../../../src/app/reports-service.js';
import type { ReportSchedule } from '../../../src/domain/reports/schedule.js';
import { Translations } from '../../../src/http/web/core/i18n.js';
import type { UiLanguage } from '../../../src/http/web/page.js';
import type { ManualClock } from '../../support/manual-clock.js';

/** A transport that keeps what it is given; `failures` > 0 makes the next sends fail like a server down. */
export class KeptMail implements MailTransport {
  readonly sent: OutgoingMail[] = [];
  failures = 0;
  async send(mail: OutgoingMail) {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('connect ECONNREFUSED 127.0.0.1:25');
    }
    this.sent.push(mail);
    return { messageId: `<${mail.outboxId}@test>`, rejected: [] };
  }
}

const translations = new Translations(path.resolve('templates/i18n'), pino({ level: 'silent' }));

/** The directory of the tests: group `quality` has two mailboxes. */
export const directory = {
  addressesOf: async (group: string) =>
    group === 'quality' ? ['q1@example.org', 'q2@example.org'] : undefined,
};

/** Everything a test process needs: its schedules, the dispatcher, the runs. */
export function scheduleKit(
  connection: Connection,
  clock: ManualClock,
  reports: ReportsService,
  mail: KeptMail,
  calendars?: Pick<CalendarRegistry, 'get' | 'has'>,
) {
  const models = bindModels(connection);
  const ledger = new MongoDeliveryLedger(models, bindDeliveryModels(connection));
  const runs = new MongoReportRuns(connection);
  const dispatcher = new NotificationDispatcher({
    ledger,
    renderer: new HandlebarsMessageRenderer({ dir: path.resolve('templates/messages') }),
    directory,
    transport: mail,
    clock,
    policy: { backoffMs: () => 60_000 },
  });
  /** One app process running the report job (`owner` names it). */
  const process = (schedules: readonly ReportSchedule[], owner: string) =>
    new ReportSchedules({
      schedules,
      reports,
      runs,
      mailing: { outbox: new MongoOutbox(models), ledger },
      label: (language, key, vars) => translations.t(language as UiLanguage, key, vars),
      clock,
      ...(calendars ? { calendars } : {}),
      owner,
    });
  return { runs, dispatcher, process, ledger };
}
