import type { TicketNumbers } from '../../app/ports.js';
import { formatTicketNumber } from '../../domain/ticket-number.js';
import { isDuplicateKey, type Models } from './models.js';

const MAX_ATTEMPTS = 50;

/**
 * Ticket numbers per prefix and year. The counter increment is only a hint (it is
 * not guaranteed atomic on FerretDB); uniqueness comes from inserting the number
 * as an `_id`, retrying with the next value when another writer got there first.
 */
export class MongoTicketNumbers implements TicketNumbers {
  constructor(private readonly models: Models) {}

  async next(prefix: string, year: number, instanceId?: string): Promise<string> {
    const counterId = `${prefix}-${year}`;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const counter = await this.nextCounterValue(counterId);
      if (counter === null) continue;
      const key = formatTicketNumber(prefix, year, counter);
      try {
        await this.models.ticketKeys.create({ _id: key, ...(instanceId ? { instanceId } : {}) });
        return key;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
    throw new Error(`could not allocate a ticket number for ${counterId} after ${MAX_ATTEMPTS} attempts`);
  }

  async instanceOf(businessKey: string): Promise<string | undefined> {
    const row = await this.models.ticketKeys.findById(businessKey, { instanceId: 1 }).lean();
    return typeof row?.instanceId === 'string' ? row.instanceId : undefined;
  }

  /** The incremented counter, or null when two first upserts collided (FerretDB upserts are not atomic). */
  private async nextCounterValue(counterId: string): Promise<number | null> {
    try {
      const counter = await this.models.counters
        .findOneAndUpdate(
          { _id: counterId },
          { $inc: { value: 1 } },
          { upsert: true, returnDocument: 'after' },
        )
        .lean();
      return Number(counter?.value ?? 1);
    } catch (error) {
      if (isDuplicateKey(error)) return null;
      throw error;
    }
  }
}
