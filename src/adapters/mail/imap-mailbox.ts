import { ImapFlow } from 'imapflow';
import type { InboundMail } from '../../domain/inbound-mail.js';
import type {
  MailboxDefinition,
  MailboxReader,
  MailboxSession,
  MailOutcome,
} from '../../app/mailbox-ports.js';
import { parseHeadersOnly, parseMessage, unreadableMail } from './imap-parse.js';

/** Connection timeouts: a hanging server fails the poll instead of blocking the next ones. */
const TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 } as const;

/**
 * One desk mailbox over IMAP with imapflow (docs/adr/0029). Each session is a fresh connection
 * holding the folder's lock; messages are read oldest first; a message larger than the limit is
 * not downloaded (only its headers). Target folders are created on first use.
 */
export class ImapMailbox implements MailboxReader {
  constructor(private readonly box: MailboxDefinition) {}

  async session<T>(work: (session: MailboxSession) => Promise<T>): Promise<T> {
    const { imap } = this.box;
    const client = new ImapFlow({
      host: imap.host,
      port: imap.port,
      secure: imap.secure,
      auth: { user: imap.user, pass: imap.password },
      logger: false,
      disableAutoIdle: true,
      ...TIMEOUTS,
    });
    client.on('error', () => undefined); // surfaced by the failing command instead
    await client.connect();
    try {
      const lock = await client.getMailboxLock(this.box.folder);
      try {
        return await work(new Session(client, this.box));
      } finally {
        lock.release();
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
  }
}

class Session implements MailboxSession {
  private readonly created = new Set<string>();

  constructor(
    private readonly client: ImapFlow,
    private readonly box: MailboxDefinition,
  ) {}

  async *messages(limit: number): AsyncGenerator<InboundMail> {
    const mailbox = this.client.mailbox;
    if (!mailbox || mailbox.exists === 0) return;
    const uidValidity = String(mailbox.uidValidity);
    const uids = (await this.client.search({ all: true }, { uid: true })) || [];
    const batch = [...uids].sort((a, b) => a - b).slice(0, limit);
    if (batch.length === 0) return;
    const facts = await this.client.fetchAll(
      batch.join(','),
      { uid: true, size: true, internalDate: true, headers: true },
      { uid: true },
    );
    // One message in memory at a time: each is downloaded when the caller asks for it.
    for (const fact of facts.sort((a, b) => a.uid - b.uid)) {
      const server = {
        uid: fact.uid,
        uidValidity,
        size: fact.size ?? 0,
        internalDate: new Date(fact.internalDate ?? 0),
      };
      if (server.size > this.box.maxMessageBytes) {
        yield await parseHeadersOnly(fact.headers ?? Buffer.alloc(0), server, this.box.maxMessageBytes);
        continue;
      }
      const whole = await this.client.fetchOne(String(fact.uid), { source: true }, { uid: true });
      if (!whole || !whole.source) continue; // expunged meanwhile (another poller moved it)
      yield await parseMessage(whole.source, server, this.box).catch((error: unknown) =>
        unreadableMail(server, (error as Error).message),
      );
    }
  }

  async settle(mail: InboundMail, outcome: MailOutcome): Promise<boolean> {
    const target = this.folderOf(outcome);
    await this.ensureFolder(target);
    const uid = String(mail.uid);
    await this.client.messageFlagsAdd(uid, ['\\Seen'], { uid: true });
    const moved = await this.client.messageMove(uid, target, { uid: true });
    return moved !== false && (moved.uidMap?.size ?? 1) > 0;
  }

  private folderOf(outcome: MailOutcome): string {
    const folders: Record<MailOutcome, string> = {
      processed: this.box.processedFolder,
      refused: this.box.refusedFolder,
      ignored: this.box.ignoredFolder,
      failed: this.box.failedFolder,
    };
    return folders[outcome];
  }

  private async ensureFolder(folder: string): Promise<void> {
    if (this.created.has(folder)) return;
    const existing = await this.client.list();
    if (!existing.some((entry) => entry.path === folder)) {
      await this.client.mailboxCreate(folder).catch(async (error: unknown) => {
        // Another poller may have created it meanwhile.
        const again = await this.client.list();
        if (!again.some((entry) => entry.path === folder)) throw error;
      });
    }
    this.created.add(folder);
  }
}
