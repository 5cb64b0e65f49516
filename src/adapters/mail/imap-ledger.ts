import type { Connection } from 'mongoose';
import type { ClaimResult, MailboxLedger } from '../../app/mailbox-ports.js';
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
 * lease is retaken with a compare-and-set on `_id` and `claimedAt`. Failed attempts at a message
 * are `fail:<move digest>#<n>`, one insert each (`$inc` loses updates on FerretDB v1, ADR 0017).
 */
export class MongoMailboxLedger implements MailboxLedger {
  constructor(private readonly connection: Connection) {}

  private get collection() {
    const db = this.connection.db;
    if (!db) throw new Error('database not connected');
    return db.collection<ClaimDoc>('mailbox_claims');
  }

  async claim(key: string, now: Date): Promise<ClaimResult> {
    if (await this.insert(key, 'claimed', now)) return 'claimed';
    const existing = await this.collection.findOne({ _id: key });
    // Released meanwhile: one more insert decides.
    if (!existing) return (await this.insert(key, 'claimed', now)) ? 'claimed' : 'held';
    if (existing.state === 'done') return 'done';
    if (now.getTime() - new Date(existing.claimedAt).getTime() < LEASE_MS) return 'held';
    const retaken = await this.collection.updateOne(
      { _id: key, state: 'claimed', claimedAt: existing.claimedAt },
      { $set: { claimedAt: now } },
    );
    return retaken.modifiedCount === 1 ? 'claimed' : 'held';
  }

  async release(key: string): Promise<void> {
    await this.collection.deleteOne({ _id: key, state: 'claimed' });
  }

  async failure(key: string, now: Date, max: number): Promise<number> {
    const bound = Math.max(1, Math.min(max, 100));
    for (let attempt = 1; attempt <= bound; attempt += 1) {
      if (await this.insert(`${key}#${attempt}`, 'done', now)) return attempt;
    }
    return bound;
  }

  /** Inserts the claim document; false when its `_id` exists. */
  private async insert(key: string, state: ClaimDoc['state'], now: Date): Promise<boolean> {
    try {
      await this.collection.insertOne({ _id: key, state, claimedAt: now });
      return true;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return false;
    }
  }

  async done(key: string, now: Date): Promise<void> {
    await this.collection.updateOne({ _id: key }, { $set: { state: 'done', doneAt: now } });
  }
}
