/**
 * Composition root, requesters: tracking and survey links (docs/adr/0025) and the requester
 * directory with its start hooks (docs/adr/0030).
 */
import type { Logger } from 'pino';
import type { Connection } from 'mongoose';
import type { FileCalendarRegistry } from '../adapters/calendar/file-calendar-registry.js';
import { MongoRequesterLinks } from '../adapters/persistence/mongo-requester-links.js';
import { MongoRequesterStore } from '../adapters/persistence/mongo-requesters.js';
import { MongoThrottleCounters } from '../adapters/persistence/mongo-throttle-counters.js';
import type { AttachmentService } from '../app/attachment-service.js';
import type { ConversationService } from '../app/conversation-service.js';
import type { DefinitionsService } from '../app/definitions-service.js';
import type { InstanceLog } from '../app/instance-log.js';
import type { MessageService } from '../app/message-service.js';
import { OutOfHours } from '../app/out-of-hours.js';
import type { TicketNumbers } from '../app/ports.js';
import { RequesterDirectory } from '../app/requester-directory.js';
import { InstitutionalAccounts } from '../app/requester-directory-institutional.js';
import { RequesterStartHooks } from '../app/requester-directory-start.js';
import { RequesterLinks } from '../app/requester-links.js';
import { DEFAULT_REQUESTER_THROTTLE, RequesterLookup } from '../app/requester-lookup.js';
import { SatisfactionSurvey } from '../app/satisfaction-survey.js';
import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';
import type { RequesterWebDeps } from '../http/web/requester/requester-pages.js';

/**
 * The requester directory, created before the forms (its institutional accounts count for the
 * institutional-email rule) and refreshed once loaded.
 */
export async function wireRequesterDirectory(
  connection: Connection,
  clock: Clock,
): Promise<{ requesters: RequesterDirectory; institutional: InstitutionalAccounts }> {
  const institutional: InstitutionalAccounts = new InstitutionalAccounts(
    (): Promise<string[]> => requesters.institutionalEmails(),
    clock,
  );
  const requesters: RequesterDirectory = new RequesterDirectory({
    store: new MongoRequesterStore(connection),
    clock,
    onChange: (): Promise<void> => institutional.refresh(),
  });
  await institutional.refresh();
  return { requesters, institutional };
}

/** What every start does for the requester: out-of-hours answers and directory registration. */
export function requesterStartHooks(
  requesters: RequesterDirectory,
  calendars: FileCalendarRegistry,
  logger: Logger,
): RequesterStartHooks {
  return new RequesterStartHooks(
    new OutOfHours({ calendars, languageOf: (email) => requesters.languageOf(email) }),
    requesters,
    (error, instanceId) =>
      logger.warn({ err: error, instanceId }, 'requester directory: ticket not recorded'),
  );
}

/** Tracking and survey links, and what the requester pages need. */
export function wireRequesterLinks(deps: {
  connection: Connection;
  config: Config;
  clock: Clock;
  log: InstanceLog;
  definitions: DefinitionsService;
  ticketNumbers: TicketNumbers;
  conversations: ConversationService;
  attachments: AttachmentService;
  messages: MessageService;
  /** The directory's language of a requester (links and pages in the requester's language). */
  requesters?: Pick<RequesterDirectory, 'languageOf'>;
}): { links: RequesterLinks; web: RequesterWebDeps } {
  const { config, clock, log, definitions, requesters: directory } = deps;
  const store = new MongoRequesterLinks(deps.connection);
  const links = new RequesterLinks({
    store,
    clock,
    publicUrl: config.publicUrl,
    trackDays: config.requesterLinkDays,
    ...(config.requesterLinkSecret ? { secret: config.requesterLinkSecret } : {}),
    ...(directory ? { languageOf: (email: string) => directory.languageOf(email) } : {}),
  });
  const web: RequesterWebDeps = {
    links,
    lookup: new RequesterLookup({
      counters: new MongoThrottleCounters(deps.connection),
      clock,
      log,
      definitions,
      instanceIdOf: async (key) => deps.ticketNumbers.instanceOf?.(key),
      policy: {
        ...DEFAULT_REQUESTER_THROTTLE,
        postsPerLink: { maxFailures: config.requesterLinkPostsPerHour, windowMs: 60 * 60_000 },
      },
    }),
    survey: new SatisfactionSurvey({ answers: store, log, definitions, clock }),
    conversation: deps.conversations,
    attachments: deps.attachments,
    messages: deps.messages,
    log,
    definitions,
    secureCookies: config.cookieSecure,
  };
  return { links, web };
}
