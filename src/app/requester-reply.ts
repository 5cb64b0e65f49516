import type { Actor } from '../domain/actor.js';
import { isAppError } from '../domain/errors.js';
import type { ProcedureVersion } from '../domain/procedure.js';
import type { AttachmentRef, ConversationEntry } from '../domain/conversation.js';
import type { ConversationService } from './conversation-service.js';
import type { DefinitionsService } from './definitions-service.js';
import type { InstanceLog } from './instance-log.js';
import { awaited, type MessageService } from './message-service.js';

/** Message name a procedure waits on for the requester when it names none. */
export const DEFAULT_REQUESTER_REPLY_MESSAGE = 'requester-reply';
/** Most characters of the requester's text handed to the procedure as `requesterReply`. */
export const MAX_REPLY_VARIABLE = 2000;

/** Collaborators of `addRequesterReply`. */
export interface RequesterReplyDeps {
  readonly conversation: Pick<ConversationService, 'add'>;
  readonly messages: Pick<MessageService, 'deliverForRequester'>;
  readonly log: Pick<InstanceLog, 'load'>;
  readonly definitions: Pick<DefinitionsService, 'byId'>;
}

/** What the requester sent. */
export interface RequesterReplyInput {
  readonly body: string;
  readonly attachments?: readonly AttachmentRef[];
  readonly via: 'web' | 'email';
}

/** The entry added, and whether a waiting procedure was resumed by it. */
export interface RequesterReplyResult {
  readonly entry: ConversationEntry;
  readonly resumed: boolean;
}

/**
 * Adds the requester's information to a ticket the caller has authorised (tracking link, mail
 * thread) as a `conversation.requester` entry, then, in a separate step, delivers the message
 * named by the process property `requesterReplyMessage` (default `requester-reply`) when the
 * ticket awaits it, with `{ requesterReply: <first 2000 characters> }`. A delivery that lost a
 * race (the catch completed meanwhile) leaves the entry in place and reports `resumed: false`.
 */
export async function addRequesterReply(
  deps: RequesterReplyDeps,
  instanceId: string,
  input: RequesterReplyInput,
  actor: Actor,
  idempotencyKey?: string,
): Promise<RequesterReplyResult> {
  const entry = await deps.conversation.add(
    instanceId,
    { kind: 'requester', body: input.body, attachments: input.attachments ?? [], via: input.via },
    actor,
    idempotencyKey,
  );
  const head = await deps.log.load(instanceId);
  if (head.status !== 'running') return { entry, resumed: false };
  const name = requesterReplyMessageOf(await deps.definitions.byId(head.definitionId));
  if (!awaited(head, 'message', name).length) return { entry, resumed: false };
  const variables = { requesterReply: [...entry.body].slice(0, MAX_REPLY_VARIABLE).join('') };
  try {
    const key = idempotencyKey ? `requester-reply:${idempotencyKey}` : undefined;
    await deps.messages.deliverForRequester(instanceId, { name, variables }, actor, key);
    return { entry, resumed: true };
  } catch (error) {
    if (isAppError(error) && ['MESSAGE_NOT_AWAITED', 'CONFLICT', 'INSTANCE_NOT_RUNNING'].includes(error.code))
      return { entry, resumed: false };
    throw error;
  }
}

const PROPERTY = /<(?:[A-Za-z]+:)?property\s+name="requesterReplyMessage"\s+value="([^"<>]{1,200})"/;
const PROPERTY_VALUE_FIRST =
  /<(?:[A-Za-z]+:)?property\s+value="([^"<>]{1,200})"\s+name="requesterReplyMessage"/;
/**
 * By version object: versions are immutable and kept by the definitions cache, so an entry lives as
 * long as its version and holds no XML of its own; apps sharing a process never share an entry.
 */
const cache = new WeakMap<object, string>();

/**
 * The procedure's `requesterReplyMessage` property (camunda:property of the process), else
 * `requester-reply`. Read from the version's XML once per version (bounded, linear pattern).
 */
export function requesterReplyMessageOf(version: Pick<ProcedureVersion, 'id' | 'xml'>): string {
  const known = cache.get(version);
  if (known !== undefined) return known;
  const found =
    (PROPERTY.exec(version.xml) ?? PROPERTY_VALUE_FIRST.exec(version.xml))?.[1]?.trim() ||
    DEFAULT_REQUESTER_REPLY_MESSAGE;
  cache.set(version, found);
  return found;
}
