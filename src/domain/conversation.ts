/**
 * The conversation on a ticket (docs/adr/0024): public replies of agents (emailed to the requester),
 * internal notes (staff only) and information the requester adds. Every entry is an audit event of
 * the instance (`conversation.reply`, `conversation.note`, `conversation.requester`).
 */
import type { Actor } from './actor.js';
import { AppError, type FieldIssue } from './errors.js';
import type { InstanceEvent } from './instance.js';
import { isAttachmentRef } from './forms/file-refs.js';

/** A stored file as an entry (or form data) refers to it. */
export interface AttachmentRef {
  readonly id: string;
  /** The file name as sent, made safe (no path, no control characters). */
  readonly name: string;
  readonly size: number;
  /** Sniffed from the content, never taken from the sender. */
  readonly contentType: string;
  /** `public`: the requester may see it; `internal`: staff only. */
  readonly visibility: 'public' | 'internal';
}

/** Kinds of conversation entries. */
export type ConversationKind = 'reply' | 'note' | 'requester';

/** How a requester's information (or a reply) reached the desk. */
export type ConversationVia = 'web' | 'email' | 'paper';

/** One entry of a ticket's conversation, read from its audit event. */
export interface ConversationEntry {
  readonly entryId: string;
  readonly instanceId: string;
  /** Seq of the audit event that recorded it. */
  readonly seq: number;
  readonly kind: ConversationKind;
  readonly body: string;
  readonly attachments: AttachmentRef[];
  /** Actor id (`requester:<email>` for the requester). */
  readonly author: string;
  readonly at: Date;
  readonly via?: string;
}

/** Who reads a conversation: staff see everything, the requester only public entries and files. */
export type ConversationAudience = 'staff' | 'requester';

/** Longest entry body, in characters (after trimming). */
export const MAX_BODY_CHARS = 10_000;
/** Most attachments one entry may carry. */
export const MAX_ENTRY_ATTACHMENTS = 5;
/** Accepted `via` values. */
export const CONVERSATION_VIAS: readonly ConversationVia[] = ['web', 'email', 'paper'];

/** Audit event type of each kind. */
export const CONVERSATION_EVENT: Readonly<Record<ConversationKind, string>> = {
  reply: 'conversation.reply',
  note: 'conversation.note',
  requester: 'conversation.requester',
};

const KIND_OF_EVENT = new Map(
  Object.entries(CONVERSATION_EVENT).map(([kind, type]) => [type, kind as ConversationKind]),
);

/** Prefix of requester actor ids. */
export const REQUESTER_ACTOR_PREFIX = 'requester:';

/** The actor of a requester (no role, no group): `requester:<email>` (lower-cased, trimmed). */
export function requesterActor(email: string): Actor {
  return { id: `${REQUESTER_ACTOR_PREFIX}${email.trim().toLowerCase()}`, roles: [], groups: [] };
}

/** True for an actor made by `requesterActor`. */
export function isRequesterActor(actor: Actor): boolean {
  return actor.id.startsWith(REQUESTER_ACTOR_PREFIX);
}

/** True for the kinds a requester may read. */
export function isPublicKind(kind: ConversationKind): boolean {
  return kind !== 'note';
}

/**
 * The body trimmed; VALIDATION_FAILED naming `body` when it is not text, empty or longer than
 * MAX_BODY_CHARS (counted in characters, not UTF-16 units).
 */
export function acceptBody(body: unknown): string {
  const text = typeof body === 'string' ? body.replace(/\r\n?/g, '\n').trim() : '';
  const length = [...text].length;
  if (length === 0) throw bodyError('required', 'write a message');
  if (length > MAX_BODY_CHARS)
    throw bodyError('max-length', `the message has ${length} characters, at most ${MAX_BODY_CHARS}`);
  return text;
}

function bodyError(reason: string, message: string): AppError {
  const issue: FieldIssue = { path: 'body', reason, message };
  return new AppError('VALIDATION_FAILED', `field <body>: ${message}`, [issue]);
}

/** The kind an audit event type records, if it is a conversation entry. */
export function conversationKindOf(type: string): ConversationKind | undefined {
  return KIND_OF_EVENT.get(type);
}

/** The conversation entry an audit event records (undefined for other events and malformed data). */
export function entryFromEvent(event: InstanceEvent): ConversationEntry | undefined {
  const kind = conversationKindOf(event.type);
  const { entryId, body, attachments, via } = event.data;
  if (!kind || typeof entryId !== 'string' || typeof body !== 'string') return undefined;
  return {
    entryId,
    instanceId: event.instanceId,
    seq: event.seq,
    kind,
    body,
    attachments: Array.isArray(attachments) ? attachments.filter(isAttachmentRef) : [],
    author: event.actor,
    at: new Date(event.at),
    ...(typeof via === 'string' ? { via } : {}),
  };
}

/** The entry as the audience may see it (requester: no notes, no internal files), or undefined. */
export function forAudience(
  entry: ConversationEntry,
  audience: ConversationAudience,
): ConversationEntry | undefined {
  if (audience === 'staff') return entry;
  if (!isPublicKind(entry.kind)) return undefined;
  return { ...entry, attachments: entry.attachments.filter((file) => file.visibility === 'public') };
}
