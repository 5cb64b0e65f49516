/** Composition root, public portal intake (docs/adr/0026). */
import type { Logger } from 'pino';
import type { Connection } from 'mongoose';
import { MongoPortalRequests } from '../adapters/persistence/mongo-portal-requests.js';
import { MongoThrottleCounters } from '../adapters/persistence/mongo-throttle-counters.js';
import type { DefinitionsService } from '../app/definitions-service.js';
import type { InstanceService } from '../app/instance-service.js';
import type { MailTransport, MessageRenderer } from '../app/notification-ports.js';
import type { FormFiles } from '../app/form-files.js';
import { PortalIntake } from '../app/portal-intake.js';
import { transportMailer } from '../app/portal-mailer.js';
import { PortalThrottle } from '../app/portal-throttle.js';
import type { FormValidator, InstanceStore } from '../app/ports.js';
import type { RequesterLinks } from '../app/requester-links.js';
import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';

/** The portal and a purge of its expired pending requests; `stop()` ends the purge. */
export function wirePortal(deps: {
  connection: Connection;
  config: Config;
  definitions: DefinitionsService;
  forms: FormValidator;
  instances: InstanceService;
  transport: MailTransport | undefined;
  renderer: MessageRenderer;
  links: RequesterLinks;
  clock: Clock;
  logger: Logger;
  /** Files on portal start forms (docs/adr/0032); absent: posts with files are refused. */
  files?: FormFiles;
  /** Tickets by `_id`: the file sweep keeps the files of a ticket that exists. */
  instanceStore?: Pick<InstanceStore, 'loadSummary'>;
}): { portal: PortalIntake; stop(): void } {
  const { config, clock, logger } = deps;
  const portal = new PortalIntake({
    definitions: deps.definitions,
    forms: deps.forms,
    instances: deps.instances,
    requests: new MongoPortalRequests(deps.connection),
    // Counters share the login throttle's collection (unique inserts, docs/adr/0013).
    throttle: new PortalThrottle({
      store: new MongoThrottleCounters(deps.connection),
      clock,
      policy: config.portalThrottle,
    }),
    ...(deps.transport ? { mailer: transportMailer(deps.transport) } : {}),
    ...(deps.files ? { files: deps.files } : {}),
    ...(deps.instanceStore
      ? { ticketExists: async (id: string) => (await deps.instanceStore?.loadSummary(id)) != null }
      : {}),
    renderer: deps.renderer,
    clock,
    publicUrl: config.publicUrl,
    trackingLink: (instanceId, email) => deps.links.mintRandom('track', instanceId, email),
    logger,
  });
  const purge = setInterval(
    () => void portal.purge().catch((error: unknown) => logger.error({ err: error }, 'portal purge failed')),
    config.sessionCleanupEveryMs,
  );
  purge.unref();
  return { portal, stop: () => clearInterval(purge) };
}
