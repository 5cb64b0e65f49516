import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { Claim, MailboxLedger } from '../../app/mailbox-ports.js';
import { isDuplicateKey } from '../persistence/models.js';

/** After this, a claim never marked done (its poller died) may be retaken. */
const LEASE_MS = 2 * 60_000;

interface ClaimDoc {
  _id: string;
  state: 'claimed' | 'done';
  claimedAt: Date;
  doneAt?: Date;
  /** The holder's token (claims written before tokens have none: their `claimedAt` names them). */
  token?: string;
}

/**
 * Claims on inbound mail in `mailbox_claims` (docs/adr/0029): `_id` = `reply:<intake key>` for a
 * refusal reply, `move:<digest of mailbox, folder, UIDVALIDITY, UID>` for moving a message.
 * Claiming inserts the document with a fresh holder token: of two pollers only one wins. Each
 * claim's end (released by its holder, or retaken by another poller after the lease) is decided by
 * one more unique insert, `end:<key>#<token>`: its winner alone may delete or rewrite the claim, so
 * a poller whose claim was retaken never drops the new holder's claim, and two retakers never both
 * win. Every operation is keyed by `_id` (filtered writes are not atomic on FerretDB v1, ADR 0002).
 * Failed attempts at a message are `fail:<move digest>#<n>`, one insert each (ADR 0017).
 */
export class MongoMailboxLedger implements MailboxLedger {
  constructor(private readonly connection: Connection) {}

  private get collection() {
    const db = this.connection.db;
    if (!db) throw new Error('database not connected');
    return db.collection<ClaimDoc>('mailbox_claims');
  }

  async claim(key: string, now: Date): Promise<Claim> {
    const token = randomUUID();
    if (await this.insert(key, 'claimed', now, token)) return { result: 'claimed', token };
    const existing = await this.collection.findOne({ _id: key });
    // Released meanwhile: one more insert decides.
    if (!existing) {
      return (await this.insert(key, 'claimed', now, token))
        ? { result: 'claimed', token }
        : { result: 'held' };
    }
    if (existing.state === 'done') return { result: 'done' };
    if (now.getTime() - new Date(existing.claimedAt).getTime() < LEASE_MS) return { result: 'held' };
    // Stale: the poller that ends this claim's holding (unique insert) retakes it; the others wait.
    if (!(await this.insert(endOf(key, holderOf(existing)), 'done', now))) return { result: 'held' };
    await this.collection.updateOne({ _id: key }, { $set: { claimedAt: now, token } });
    return { result: 'claimed', token };
  }

  async release(key: string, token: string): Promise<void> {
    const current = await this.collection.findOne({ _id: key });
    if (!current || current.state !== 'claimed' || holderOf(current) !== token) return;
    // Ending our own holding first: a poller retaking the claim meanwhile would have to win this insert.
    if (!(await this.insert(endOf(key, token), 'done', current.claimedAt))) return;
    await this.collection.deleteOne({ _id: key });
  }

  async failure(key: string, now: Date, max: number): Promise<number> {
    const bound = Math.max(1, Math.min(max, 100));
    for (let attempt = 1; attempt <= bound; attempt += 1) {
      if (await this.insert(`${key}#${attempt}`, 'done', now)) return attempt;
    }
    return bound;
  }

  async done(key: string, now: Date): Promise<void> {
    await this.collection.updateOne({ _id: key }, { $set: { state: 'done', doneAt: now } });
  }

  /** Inserts the claim document; false when its `_id` exists. */
  private async insert(key: string, state: ClaimDoc['state'], now: Date, token?: string): Promise<boolean> {
    try {
      await this.collection.insertOne({ _id: key, state, claimedAt: now, ...(token ? { token } : {}) });
      return true;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return false;
    }
  }
}

/** Names one holding of a claim: its token, or for a claim from before tokens its claim time. */
function holderOf(claim: ClaimDoc): string {
  return claim.token ?? new Date(claim.claimedAt).toISOString();
}

/** The `_id` whose insert ends one holding of the claim `key` (released or retaken). */
function endOf(key: string, holder: string): string {
  return `end:${key}#${holder}`;
}
