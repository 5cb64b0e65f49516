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
import type { DefinitionsService } from './definitions-service.js';
import type { InstanceService } from './instance-service.js';
import type { MessageRenderer } from './notification-ports.js';
import type { PortalMailer, PortalRequestStore } from './portal-ports.js';
import type { PortalVerdict } from './portal-throttle.js';
import type { FormFiles } from './form-files.js';
import {
  emailIn,
  publicProcedure,
  type PortalLookup,
  type PortalSubmission,
  type PortalSubmitOutcome,
  type PublicProcedure,
} from './portal-model.js';
import { checkFilesOwner, PortalFiles, postedBytes } from './portal-files.js';
import type { FormValidator } from './ports.js';
import { isEmailAddress } from './recipient-resolver.js';

export type { PortalLookup, PortalSubmission, PortalSubmitOutcome, PublicProcedure };

/** Collaborators of the portal intake. */
export interface PortalIntakeDeps {
  readonly definitions: DefinitionsService;
  readonly forms: FormValidator;
  readonly instances: InstanceService;
  readonly requests: PortalRequestStore;
  readonly throttle: {
    /** Charges the posted file bytes (every post with files, before anything is stored). */
    takeBytes(address: string, email: string | undefined, bytes: number): Promise<PortalVerdict>;
    /** Charges one confirmation mail (a valid submission). */
    take(address: string, email: string): Promise<PortalVerdict>;
  };
  /** Stores start-form files (size and type by content); absent: a post with files is refused. */
  readonly files?: FormFiles;
  /** Whether a ticket exists, by `_id` (the file sweep keeps files of an opened ticket). */
  readonly ticketExists?: (instanceId: string) => Promise<boolean>;
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
  private readonly files: PortalFiles;

  constructor(private readonly deps: PortalIntakeDeps) {
    this.files = new PortalFiles(deps.files, deps.requests, deps.ticketExists);
  }

  /** Limits of a portal post with files; undefined when files are not taken. */
  get uploadLimits() {
    return this.files.limits;
  }

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
   * limit nothing is stored or sent: file megabytes are charged first, on every post with files
   * (valid or not), confirmation mails after validation. A mail that cannot be sent removes its
   * request again. Files are stored under the ticket the request will open and deleted again on
   * any refusal (docs/adr/0032).
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
    const token = randomBytes(PORTAL_TOKEN_BYTES).toString('base64url');
    const requestId = portalRequestId(token);
    const posted = submission.files ?? [];
    const typed = emailIn(submission.data) ?? '';
    const owner = isEmailAddress(typed) ? typed : undefined;
    const bytes = await this.deps.throttle.takeBytes(submission.address, owner, postedBytes(posted));
    if (!bytes.allowed) return { outcome: 'throttled', retryAfterSeconds: bytes.retryAfterSeconds };
    const withFiles = await this.files.attach(submission.schema, posted, submission.data, requestId, owner);
    try {
      const { email, data } = await this.accept(procedure, withFiles.data);
      checkFilesOwner(withFiles, email, typed); // stored under the typed address's ticket
      const verdict = await this.deps.throttle.take(submission.address, email);
      if (!verdict.allowed) {
        await this.files.discard(withFiles.stored);
        return { outcome: 'throttled', retryAfterSeconds: verdict.retryAfterSeconds };
      }
      const request = this.pending(requestId, procedure, submission.language, email, data);
      await this.deps.requests.insert(request, withFiles.stored);
      await this.confirmationMail(token, request, procedure);
      return { outcome: 'sent', maskedEmail: maskEmail(email) };
    } catch (error) {
      await this.files.discard(withFiles.stored); // a refused submission keeps no file
      throw error;
    }
  }

  /** Validates the data (with the files' references); returns the requester's email. */
  private async accept(
    procedure: PublicProcedure,
    submitted: unknown,
  ): Promise<{ email: string; data: Record<string, unknown> }> {
    const data = await this.deps.forms.validate(procedure.formKey, submitted);
    const email = emailIn(data);
    if (!email || !isEmailAddress(email)) {
      throw new AppError('VALIDATION_FAILED', 'the portal needs the requester email to confirm the request', [
        {
          path: REQUESTER_EMAIL_KEYS[0],
          reason: 'required',
          message: `portal form <${procedure.formKey}>: the requester email is required to confirm the request`,
        },
      ]);
    }
    return { email, data };
  }

  private pending(
    id: string,
    procedure: PublicProcedure,
    language: string,
    email: string,
    data: Record<string, unknown>,
  ): PortalRequest {
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + PORTAL_LINK_TTL_MS);
    const purgeAfter = new Date(expiresAt.getTime() + PORTAL_KEEP_MS);
    return {
      id,
      procedureId: procedure.procedureId,
      email,
      language,
      data,
      createdAt: now,
      expiresAt,
      purgeAfter,
    };
  }

  /** Mails the one-time link; when that fails the request goes again (its files with the caller). */
  private async confirmationMail(token: string, request: PortalRequest, procedure: PublicProcedure) {
    try {
      await this.mail(request, 'portal-confirm', procedure, {
        confirmUrl: `${this.deps.publicUrl}/portal/confirm/${token}`,
        expiresAt: request.expiresAt,
      });
    } catch (error) {
      await this.deps.requests.delete(request.id);
      throw new AppError(
        'NOTIFICATION_FAILED',
        `the confirmation mail to ${maskEmail(request.email)} could not be sent`,
        [
          {
            path: 'requesterEmail',
            reason: 'mail',
            message: error instanceof Error ? error.message : String(error),
          },
        ],
      );
    }
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
      // The page's language: the requester's links, pages and survey follow it (issue 11).
      { idempotencyKey: portalIdempotencyKey(request.id), requesterLanguage: request.language },
    );
    const ticket = { instanceId: record.id, businessKey: record.businessKey };
    await this.deps.requests.markOpened(request.id, ticket);
    await this.mailOpened(request, ticket);
    return { ...ticket, first: true };
  }

  /**
   * The background sweep: deletes the files of requests that expired unconfirmed (an hour after
   * the link did), then the requests kept past their time; returns how many requests went.
   */
  async purge(): Promise<number> {
    const now = this.deps.clock.now();
    await this.files.sweep(now);
    return this.deps.requests.purge(now);
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
