import { randomBytes } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import { requesterActor } from '../domain/conversation.js';
import { AppError } from '../domain/errors.js';
import { REQUESTER_EMAIL_KEYS } from '../domain/mail-policy.js';
import {
  PORTAL_KEEP_MS,
  PORTAL_LINK_TTL_MS,
  PORTAL_TOKEN_BYTES,
  isPortalToken,
  maskEmail,
  portalIdempotencyKey,
  portalRequestId,
  portalRequestState,
  type PortalRequest,
  type PortalTicket,
} from '../domain/portal.js';
import type { ProcedureVersion } from '../domain/procedure.js';
import type { DefinitionsService } from './definitions-service.js';
import type { InstanceService } from './instance-service.js';
import type { MessageRenderer } from './notification-ports.js';
import type { PortalMailer, PortalRequestStore } from './portal-ports.js';
import type { PortalVerdict } from './portal-throttle.js';
import type { FormValidator } from './ports.js';
import { isEmailAddress } from './recipient-resolver.js';

/** A procedure open on the portal. */
export interface PublicProcedure {
  readonly procedureId: string;
  readonly name: string;
  readonly language: string;
  /** The requester-facing form (`portalForm`). */
  readonly formKey: string;
}

/** What a submission came to: a mail was sent (or a bot was told so), or a limit was hit. */
export type PortalSubmitOutcome =
  | { readonly outcome: 'sent'; readonly maskedEmail: string }
  | { readonly outcome: 'throttled'; readonly retryAfterSeconds: number };

/** One submission of a portal form. */
export interface PortalSubmission {
  readonly procedureId: string;
  /** The form data as the form renderer made it (validated here). */
  readonly data: unknown;
  /** The client address, already reduced to a throttle key. */
  readonly address: string;
  /** The requester's page language (es/it/en). */
  readonly language: string;
  /** The honeypot field: a person leaves it empty. */
  readonly honeypot?: string;
}

/** A request looked up by its token, with what the confirmation page shows. */
export interface PortalLookup {
  readonly request: PortalRequest;
  readonly procedureName: string;
  readonly maskedEmail: string;
}

/** Collaborators of the portal intake. */
export interface PortalIntakeDeps {
  readonly definitions: DefinitionsService;
  readonly forms: FormValidator;
  readonly instances: InstanceService;
  readonly requests: PortalRequestStore;
  readonly throttle: { take(address: string, email: string): Promise<PortalVerdict> };
  /** Absent (no SMTP server): submissions are refused, since no address can be verified. */
  readonly mailer?: PortalMailer;
  readonly renderer: MessageRenderer;
  readonly clock: Clock;
  /** Base URL of links in mails (`HELPDESK_PUBLIC_URL`). */
  readonly publicUrl: string;
  /** A tracking link for a new ticket (H2's requester links); absent: the opened mail has none. */
  readonly trackingLink?: (instanceId: string, email: string) => Promise<string>;
  readonly logger?: { warn(details: object, message: string): void };
}

/**
 * Public intake (docs/adr/0026): a requester fills a procedure's `portalForm`; the data is
 * validated by the same form validator and rules as agents', a one-time link goes to the
 * requester's email, and the ticket is opened only when that link is confirmed. Until then
 * nothing but the pending request (`portal_requests`, `_id` = sha256 of the token) exists.
 */
export class PortalIntake {
  constructor(private readonly deps: PortalIntakeDeps) {}

  /** Whether submissions can be verified (an SMTP server is configured). */
  get accepting(): boolean {
    return this.deps.mailer !== undefined;
  }

  /** The procedures open on the portal, by name. */
  async list(): Promise<PublicProcedure[]> {
    const versions = await this.deps.definitions.list();
    return versions
      .flatMap((version) => publicProcedure(version) ?? [])
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A procedure open on the portal; PROCEDURE_NOT_FOUND for any other. */
  async procedure(procedureId: string): Promise<PublicProcedure> {
    const found = publicProcedure(await this.deps.definitions.current(procedureId.slice(0, 100)));
    if (!found) throw new AppError('PROCEDURE_NOT_FOUND', `procedure <${procedureId}> is not on the portal`);
    return found;
  }

  /**
   * Validates a submission and mails the confirmation link. VALIDATION_FAILED lists every field
   * (nothing stored); a filled honeypot is answered as a success and nothing happens; past a rate
   * limit nothing is stored or sent. A mail that cannot be sent removes its request again.
   */
  async submit(submission: PortalSubmission): Promise<PortalSubmitOutcome> {
    const procedure = await this.procedure(submission.procedureId);
    if (submission.honeypot) {
      this.deps.logger?.warn(
        { procedureId: procedure.procedureId, address: submission.address },
        'portal honeypot filled: submission dropped',
      );
      return { outcome: 'sent', maskedEmail: maskEmail(emailIn(submission.data) ?? '') };
    }
    if (!this.deps.mailer) {
      throw new AppError('NOTIFICATION_FAILED', 'the portal cannot send confirmation mails (no SMTP server)');
    }
    const data = await this.deps.forms.validate(procedure.formKey, submission.data);
    const email = emailIn(data);
    if (!email || !isEmailAddress(email)) {
      throw new AppError(
        'FORM_INVALID',
        `portal form <${procedure.formKey}> has no requester email field (${REQUESTER_EMAIL_KEYS.join(', ')})`,
      );
    }
    const verdict = await this.deps.throttle.take(submission.address, email);
    if (!verdict.allowed) return { outcome: 'throttled', retryAfterSeconds: verdict.retryAfterSeconds };
    const token = randomBytes(PORTAL_TOKEN_BYTES).toString('base64url');
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + PORTAL_LINK_TTL_MS);
    const request: PortalRequest = {
      id: portalRequestId(token),
      procedureId: procedure.procedureId,
      email,
      language: submission.language,
      data,
      createdAt: now,
      expiresAt,
      purgeAfter: new Date(expiresAt.getTime() + PORTAL_KEEP_MS),
    };
    await this.deps.requests.insert(request);
    try {
      await this.mail(request, 'portal-confirm', procedure, {
        confirmUrl: `${this.deps.publicUrl}/portal/confirm/${token}`,
        expiresAt,
      });
    } catch (error) {
      await this.deps.requests.delete(request.id);
      throw new AppError(
        'NOTIFICATION_FAILED',
        `the confirmation mail to ${maskEmail(email)} could not be sent`,
        [
          {
            path: 'requesterEmail',
            reason: 'mail',
            message: error instanceof Error ? error.message : String(error),
          },
        ],
      );
    }
    return { outcome: 'sent', maskedEmail: maskEmail(email) };
  }

  /** The request behind a link: LINK_INVALID when unknown, LINK_EXPIRED when not confirmed in time. */
  async lookup(token: string): Promise<PortalLookup> {
    if (!isPortalToken(token)) throw new AppError('LINK_INVALID', 'the confirmation link is malformed');
    const request = await this.deps.requests.find(portalRequestId(token));
    if (!request) throw new AppError('LINK_INVALID', 'the confirmation link is unknown or was purged');
    if (portalRequestState(request, this.deps.clock.now()) === 'expired') {
      throw new AppError('LINK_EXPIRED', 'the confirmation link expired; fill the form again');
    }
    const version = await this.deps.definitions.current(request.procedureId).catch(() => undefined);
    const procedureName = version?.catalog.name || request.procedureId;
    return { request, procedureName, maskedEmail: maskEmail(request.email) };
  }

  /**
   * Opens the ticket of a confirmed request, exactly once: the instance id comes from the request
   * (idempotency key), so a double click or two processes answer the same ticket.
   */
  async confirm(token: string): Promise<PortalTicket & { readonly first: boolean }> {
    const { request } = await this.lookup(token);
    if (request.ticket) return { ...request.ticket, first: false };
    const record = await this.deps.instances.startFromPortal(
      request.procedureId,
      request.data,
      requesterActor(request.email),
      { idempotencyKey: portalIdempotencyKey(request.id) },
    );
    const ticket = { instanceId: record.id, businessKey: record.businessKey };
    await this.deps.requests.markOpened(request.id, ticket);
    await this.mailOpened(request, ticket);
    return { ...ticket, first: true };
  }

  /** Deletes requests kept past their time; returns how many went. */
  purge(): Promise<number> {
    return this.deps.requests.purge(this.deps.clock.now());
  }

  /** The "ticket opened" mail with a tracking link, unless the procedure acknowledges by itself. */
  private async mailOpened(request: PortalRequest, ticket: PortalTicket): Promise<void> {
    try {
      const version = await this.deps.definitions.current(request.procedureId);
      const acknowledges = Object.values(version.catalog.sendTasks).some(
        (task) => task.template === 'ticket-acknowledgement',
      );
      if (acknowledges) return;
      const trackingUrl = await this.deps.trackingLink?.(ticket.instanceId, request.email);
      const procedure = publicProcedure(version) ?? { name: request.procedureId, language: 'es' };
      await this.mail(request, 'portal-opened', procedure, {
        ticketNumber: ticket.businessKey,
        ...(trackingUrl ? { trackingUrl } : {}),
      });
    } catch (error) {
      // The ticket is open; the page shows its number. A lost mail is logged, not an error.
      this.deps.logger?.warn(
        { err: error, instanceId: ticket.instanceId },
        'portal: ticket-opened mail failed',
      );
    }
  }

  private async mail(
    request: PortalRequest,
    template: string,
    procedure: { readonly name: string; readonly language: string },
    variables: Record<string, unknown>,
  ): Promise<void> {
    const rendered = await this.deps.renderer.render(
      template,
      request.language,
      { ...request.data, procedureName: procedure.name, ...variables },
      procedure.language,
    );
    await this.deps.mailer?.send({
      to: request.email,
      subject: rendered.subject,
      text: rendered.text,
      language: rendered.language,
      id: `${template}-${request.id.slice(0, 32)}`,
    });
  }
}

function publicProcedure(version: ProcedureVersion): PublicProcedure | undefined {
  const { catalog } = version;
  if (!catalog.portalForm) return undefined;
  return {
    procedureId: catalog.procedureId,
    name: catalog.name || catalog.procedureId,
    language: catalog.language,
    formKey: catalog.portalForm,
  };
}

/** The requester's address in form data: the first non-empty requester email key. */
function emailIn(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const values = data as Record<string, unknown>;
  for (const key of REQUESTER_EMAIL_KEYS) {
    const value = values[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim().slice(0, 254);
  }
  return undefined;
}
