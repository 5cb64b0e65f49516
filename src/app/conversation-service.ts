import { createHash, randomUUID } from 'node:crypto';
import { hasRole, type Actor } from '../domain/actor.js';
import type { Clock } from '../domain/clock.js';
import {
  acceptBody,
  CONVERSATION_EVENT,
  CONVERSATION_VIAS,
  entryFromEvent,
  forAudience,
  MAX_ENTRY_ATTACHMENTS,
  type AttachmentRef,
  type ConversationAudience,
  type ConversationEntry,
  type ConversationKind,
} from '../domain/conversation.js';
import { isAttachmentRef } from '../domain/forms/file-refs.js';
import { AppError } from '../domain/errors.js';
import type { InstanceRecord, OutboxMessage } from '../domain/instance.js';
import type { ProcedureCatalog } from '../domain/procedure.js';
import { bookkeepingTransition, messageVariables } from './build-transition.js';
import { assertStaffMaySee } from './conversation-access.js';
import type { DefinitionsService } from './definitions-service.js';
import type { InstanceLog } from './instance-log.js';
import type { InstanceStore, TaskRepository } from './ports.js';
import { parseIdempotencyKey } from './idempotency.js';
import { retryOnConflict } from './retry.js';

/** What a caller adds to the conversation. */
export interface ConversationInput {
  readonly kind: ConversationKind;
  readonly body: string;
  readonly attachments?: readonly AttachmentRef[];
  /** `web` | `email` | `paper` (absent: web). */
  readonly via?: string;
}

/**
 * Hook for the requester tracking link (H2, issue 11): the `{{trackingUrl}}` the public-reply email
 * carries. Undefined (or a failing hook) leaves the variable out; the email is sent anyway.
 */
export type TrackingUrlHook = (ticket: InstanceRecord) => Promise<string | undefined>;

/** Collaborators of the conversation. */
export interface ConversationServiceDeps {
  readonly log: InstanceLog;
  readonly store: InstanceStore;
  readonly tasks: TaskRepository;
  readonly definitions: DefinitionsService;
  readonly clock: Clock;
  /** Fills `{{trackingUrl}}` in the public-reply email (wired by the requester-links code). */
  readonly trackingUrl?: TrackingUrlHook;
}

/** Message template of the email a public reply sends to the requester. */
export const PUBLIC_REPLY_TEMPLATE = 'public-reply';

/**
 * Replies, internal notes and requester information on a ticket (docs/adr/0024). Each entry is a
 * bookkeeping step of the instance (audited: seq, actor, time); open and closed tickets alike.
 */
export class ConversationService {
  private trackingUrl?: TrackingUrlHook;

  constructor(private readonly deps: ConversationServiceDeps) {
    this.trackingUrl = deps.trackingUrl;
  }

  /** Wires the `{{trackingUrl}}` hook after construction (the requester-links block of main.ts). */
  useTrackingUrl(hook: TrackingUrlHook): void {
    this.trackingUrl = hook;
  }

  /**
   * Adds an entry. `reply` and `note` need an agent who may see the ticket, or a supervisor;
   * `requester` needs no role: the caller must have authorised `instanceId` (token, mail thread).
   * With an idempotency key a retry answers the entry its first attempt committed.
   */
  async add(
    instanceId: string,
    input: ConversationInput,
    actor: Actor,
    idempotencyKey?: string,
  ): Promise<ConversationEntry> {
    const accepted = acceptInput(input);
    const key = parseIdempotencyKey(idempotencyKey);
    const entryId = key ? keyedEntryId(instanceId, actor.id, key) : randomUUID();
    return retryOnConflict(() =>
      this.deps.log.exclusive(instanceId, () =>
        this.addOnce(instanceId, accepted, actor, entryId, Boolean(key)),
      ),
    );
  }

  /** The entries in order; `requester`: replies and requester entries with public files only. */
  async list(instanceId: string, audience: ConversationAudience): Promise<ConversationEntry[]> {
    const events = await this.deps.store.listEvents(instanceId);
    return events.flatMap((event) => {
      const entry = entryFromEvent(event);
      const shown = entry && forAudience(entry, audience);
      return shown ? [shown] : [];
    });
  }

  /** The staff view of the conversation, FORBIDDEN unless the actor may see the ticket. */
  async listForStaff(instanceId: string, actor: Actor): Promise<ConversationEntry[]> {
    await this.assertStaff(instanceId, actor);
    return this.list(instanceId, 'staff');
  }

  /** FORBIDDEN unless the actor is staff who may see the ticket (INSTANCE_NOT_FOUND if none). */
  async assertStaff(instanceId: string, actor: Actor): Promise<InstanceRecord> {
    const head = await this.deps.log.load(instanceId);
    await assertStaffMaySee(head, actor, this.deps.tasks);
    return head;
  }

  private async addOnce(
    instanceId: string,
    input: AcceptedInput,
    actor: Actor,
    entryId: string,
    /** A keyed entry may have been committed by an earlier attempt: look for it first. */
    keyed: boolean,
  ): Promise<ConversationEntry> {
    const previous = await this.deps.log.load(instanceId);
    if (input.kind !== 'requester') {
      if (!hasRole(actor, 'supervisor') && !hasRole(actor, 'agent'))
        throw new AppError('FORBIDDEN', `role <agent> required to add a ${input.kind}`);
      await assertStaffMaySee(previous, actor, this.deps.tasks);
    }
    if (keyed) {
      const earlier = await this.deps.log.findEvent(previous, (event) => event.data.entryId === entryId);
      const replayed = earlier && entryFromEvent(earlier);
      if (replayed) return replayed;
    }
    const { catalog } = await this.deps.definitions.byId(previous.definitionId);
    const now = this.deps.clock.now();
    const data = {
      entryId,
      body: input.body,
      attachments: input.attachments.map(({ id, name, size, contentType, visibility }) => ({
        id,
        name,
        size,
        contentType,
        visibility,
      })),
      ...(input.via ? { via: input.via } : {}),
    };
    const outbox = input.kind === 'reply' ? [await this.replyEmail(previous, catalog, input, now)] : [];
    const type = CONVERSATION_EVENT[input.kind];
    const transition = bookkeepingTransition({ previous, catalog, actor, now, type, data }, { outbox });
    const committed = await this.deps.log.commit(transition);
    const entry = entryFromEvent(committed.event);
    if (!entry) throw new Error(`conversation entry <${entryId}> was not recorded`);
    return entry;
  }

  /** The email to the requester, in the procedure's language, to be sent through the outbox. */
  private async replyEmail(
    previous: InstanceRecord,
    catalog: ProcedureCatalog,
    input: AcceptedInput,
    now: Date,
  ): Promise<OutboxMessage> {
    const trackingUrl = await this.trackingUrl?.(previous).catch(() => undefined);
    return {
      id: `${previous.id}:${previous.seq + 1}:conversation`,
      instanceId: previous.id,
      activityId: 'conversation',
      template: PUBLIC_REPLY_TEMPLATE,
      language: catalog.language,
      to: 'requester',
      variables: {
        ...messageVariables(previous.variables, previous.businessKey, catalog),
        replyBody: input.body,
        replyAttachments: input.attachments.map((file) => file.name).join(', '),
        ...(trackingUrl ? { trackingUrl } : {}),
      },
      createdAt: now,
    };
  }
}

interface AcceptedInput {
  readonly kind: ConversationKind;
  readonly body: string;
  readonly attachments: readonly AttachmentRef[];
  readonly via?: string;
}

/** Checks kind, body, via and attachments; VALIDATION_FAILED naming the field. */
function acceptInput(input: ConversationInput): AcceptedInput {
  const kind = input.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(CONVERSATION_EVENT, kind))
    throw invalid('kind', `kind <${String(kind)}> is not reply, note or requester`);
  const body = acceptBody(input.body);
  const via = input.via;
  if (via !== undefined && !CONVERSATION_VIAS.includes(via as never))
    throw invalid('via', `via <${via}> is not one of ${CONVERSATION_VIAS.join(', ')}`);
  const attachments = input.attachments ?? [];
  if (!Array.isArray(attachments) || attachments.length > MAX_ENTRY_ATTACHMENTS)
    throw invalid('attachments', `at most ${MAX_ENTRY_ATTACHMENTS} files per message`);
  const wanted = kind === 'note' ? 'internal' : 'public';
  for (const file of attachments) {
    if (!isAttachmentRef(file)) throw invalid('attachments', 'an attachment reference is malformed');
    if (file.visibility !== wanted)
      throw invalid(
        'attachments',
        `file <${file.name}> is ${file.visibility}; a ${kind} carries ${wanted} files`,
      );
  }
  return { kind, body, attachments, ...(via ? { via } : {}) };
}

function invalid(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `field <${path}>: ${message}`, [
    { path, reason: 'invalid', message },
  ]);
}

/** A retried add with the same key (same ticket, same actor) names the same entry. */
function keyedEntryId(instanceId: string, actorId: string, key: string): string {
  return createHash('sha256')
    .update(`conversation\n${instanceId}\n${actorId}\n${key}`)
    .digest('hex')
    .slice(0, 32);
}
