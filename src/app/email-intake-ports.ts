/** Ports of email intake (docs/adr/0029) onto the ticket, conversation and attachment use cases. */
import type { Actor } from '../domain/actor.js';
import type { AttachmentRef } from '../domain/conversation.js';
import type { InstanceRecord } from '../domain/instance.js';

/** The ticket operations intake needs (InstanceService, the ticket-number index, the log). */
export interface IntakeTickets {
  start(
    procedureId: string,
    input: unknown,
    actor: Actor,
    options: { idempotencyKey: string },
  ): Promise<InstanceRecord>;
  /** The ticket's head, or undefined when there is none. */
  find(instanceId: string): Promise<InstanceRecord | undefined>;
  /** The instance a ticket number went to. */
  instanceOf(businessKey: string): Promise<string | undefined>;
}

/** Adds requester information to a ticket (src/app/requester-reply.ts: entry, then resume if awaited). */
export type RequesterReplyPort = (
  instanceId: string,
  input: { body: string; attachments: readonly AttachmentRef[]; via: 'email' },
  actor: Actor,
  idempotencyKey: string,
) => Promise<unknown>;

/** Stores one attachment of a ticket (src/app/attachment-service.ts). */
export type AttachmentPort = (upload: {
  instanceId: string;
  fileName: string;
  bytes: Buffer;
  visibility: 'public';
  uploadedBy: string;
}) => Promise<AttachmentRef>;

/** Adds a conversation entry without resuming anything (ConversationService.add). */
export type ConversationPort = (
  instanceId: string,
  input: { kind: 'requester'; body: string; attachments: readonly AttachmentRef[]; via: string },
  actor: Actor,
  idempotencyKey: string,
) => Promise<unknown>;

/** What intake logs (pino's Logger fits). */
export interface IntakeLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
  debug?(details: object, message: string): void;
}
