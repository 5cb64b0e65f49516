import type { ConversationEntry } from '../../../domain/conversation.js';
import { REQUESTER_ACTOR_PREFIX } from '../../../domain/conversation.js';

/** One entry as the conversation templates show it. */
export interface EntryView {
  readonly entryId: string;
  readonly seq: number;
  readonly kind: string;
  readonly isPublic: boolean;
  readonly author: string;
  readonly byRequester: boolean;
  readonly at: Date;
  readonly body: string;
  readonly via?: string;
  readonly attachments: readonly {
    name: string;
    size: string;
    url: string;
    internal: boolean;
    contentType: string;
  }[];
}

/** The entries for the templates, newest last; `downloadUrl` builds each file's link. */
export function entryViews(
  entries: readonly ConversationEntry[],
  downloadUrl: (attachmentId: string) => string,
): EntryView[] {
  return entries.map((entry) => ({
    entryId: entry.entryId,
    seq: entry.seq,
    kind: entry.kind,
    isPublic: entry.kind !== 'note',
    author: entry.author.startsWith(REQUESTER_ACTOR_PREFIX)
      ? entry.author.slice(REQUESTER_ACTOR_PREFIX.length)
      : entry.author,
    byRequester: entry.kind === 'requester',
    at: entry.at,
    body: entry.body,
    ...(entry.via ? { via: entry.via } : {}),
    attachments: entry.attachments.map((file) => ({
      name: file.name,
      size: humanSize(file.size),
      url: downloadUrl(file.id),
      internal: file.visibility === 'internal',
      contentType: file.contentType,
    })),
  }));
}

/** `512 B`, `14.2 KB`, `3.1 MB`. */
export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
