import { createHash, randomInt } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { ThrottleCounter } from '../../app/account-ports.js';
import type { PortalCounterStore } from '../../app/portal-ports.js';
import { accountModels, type AccountModels } from './account-models.js';
import { isDuplicateKey } from './models.js';

/**
 * Login-throttle counters in `login_throttle`. A counter of limit L is up to L slot
 * documents, `_id` = `<hash of kind, key and window start>:<n>`, each created by an
 * insert that only one writer can win: FerretDB v1 has no atomic `$inc` (parallel
 * increments of one document are lost), but a unique `_id` is atomic. A counter found
 * full gets a `:full` mark, so refused attempts cost one read instead of L inserts;
 * giving a slot back removes the mark. `reserveMany` (portal file bytes) tries each
 * slot once: at most L inserts and the mark. Every operation on the login path goes by
 * `_id`; only the background purge of ended windows filters on `expiresAt`.
 */
export class MongoThrottleCounters implements PortalCounterStore {
  private readonly models: AccountModels;

  constructor(connection: Connection) {
    this.models = accountModels(connection);
  }

  async isFull(counter: ThrottleCounter): Promise<boolean> {
    return (await this.models.loginThrottle.findById(`${counterId(counter)}:full`).lean()) !== null;
  }

  async reserve(counter: ThrottleCounter, limit: number): Promise<number | null> {
    return (await this.reserveMany(counter, limit, 1))[0] ?? null;
  }

  /** Takes up to `count` free slots, each tried once; marks the counter full when it gets fewer. */
  async reserveMany(counter: ThrottleCounter, limit: number, count: number): Promise<number[]> {
    const base = counterId(counter);
    // A random first slot keeps parallel attempts from all fighting over slot 1.
    const start = randomInt(limit);
    const taken: number[] = [];
    for (let i = 0; i < limit && taken.length < count; i++) {
      const slot = ((start + i) % limit) + 1;
      if (await this.take(`${base}:${slot}`, counter)) taken.push(slot);
    }
    if (taken.length < count) await this.take(`${base}:full`, counter);
    return taken;
  }

  async release(counter: ThrottleCounter, slot: number): Promise<void> {
    const base = counterId(counter);
    await this.models.loginThrottle.deleteOne({ _id: `${base}:${slot}` });
    await this.models.loginThrottle.deleteOne({ _id: `${base}:full` });
  }

  async deleteExpired(now: Date): Promise<number> {
    const result = await this.models.loginThrottle.deleteMany({ expiresAt: { $lte: now } });
    return result.deletedCount;
  }

  /** Inserts the document; false when it already exists. */
  private async take(_id: string, counter: ThrottleCounter): Promise<boolean> {
    try {
      await this.models.loginThrottle.create({ _id, kind: counter.kind, expiresAt: counter.windowEnd });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }
}

/** The id of a counter: a hash, so addresses and usernames are not stored as such. */
export function counterId(counter: ThrottleCounter): string {
  return createHash('sha256')
    .update(`${counter.kind}\n${counter.key}\n${counter.windowStart.toISOString()}`)
    .digest('base64url');
}
