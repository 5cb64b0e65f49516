import type { Connection } from 'mongoose';
import type { MailboxLedger } from '../../app/mailbox-ports.js';
import { isDuplicateKey } from '../persistence/models.js';

/** After this, a claim never marked done (its poller died) may be retaken. */
const LEASE_MS = 2 * 60_000;

interface ClaimDoc {
  _id: string;
  state: 'claimed' | 'done';
  claimedAt: Date;
  doneAt?: Date;
}

/**
 * Claims on inbound mail in `mailbox_claims` (docs/adr/0029): `_id` = `reply:<intake key>` for a
 * refusal reply, `move:<digest of mailbox, folder, UIDVALIDITY, UID>` for moving a message.
 * Claiming inserts the document: of two pollers only one wins; a claim left unfinished past the
 * lease is retaken with a compare-and-set on `_id` and `claimedAt`.
 */
export class MongoMailboxLedger implements MailboxLedger {
  constructor(private readonly connection: Connection) {}

  private get collection() {
    const db = this.connection.db;
    if (!db) throw new Error('database not connected');
    return db.collection<ClaimDoc>('mailbox_claims');
  }

  async claim(key: string, now: Date): Promise<boolean> {
    try {
      await this.collection.insertOne({ _id: key, state: 'claimed', claimedAt: now });
      return true;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const existing = await this.collection.findOne({ _id: key });
    if (!existing || existing.state === 'done') return false;
    if (now.getTime() - new Date(existing.claimedAt).getTime() < LEASE_MS) return false;
    const retaken = await this.collection.updateOne(
      { _id: key, state: 'claimed', claimedAt: existing.claimedAt },
      { $set: { claimedAt: now } },
    );
    return retaken.modifiedCount === 1;
  }

  async done(key: string, now: Date): Promise<void> {
    await this.collection.updateOne({ _id: key }, { $set: { state: 'done', doneAt: now } });
  }
}
