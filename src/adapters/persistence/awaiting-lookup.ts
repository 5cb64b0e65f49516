import type { AwaitingLookup } from '../../app/message-service.js';
import type { TicketNumbers } from '../../app/ports.js';
import type { AwaitedEvent, InstanceRecord } from '../../domain/instance.js';
import type { Models } from './models.js';
import { OpenWork } from './open-work.js';

/**
 * Finds instances awaiting a message or signal without scanning history (ADR 0018): candidates
 * come from the in-memory open-work model (heads carry `awaiting`), a ticket number resolves to
 * its instance through `ticket_keys` by `_id`, falling back to the model for tickets numbered
 * before the instance id was recorded there.
 */
export class OpenWorkAwaitingLookup implements AwaitingLookup {
  constructor(
    private readonly models: Models,
    private readonly ticketNumbers: TicketNumbers,
  ) {}

  async candidates(kind: AwaitedEvent['kind'], name: string, limit: number): Promise<InstanceRecord[]> {
    const work = await OpenWork.of(this.models).ready();
    return work
      .openInstances()
      .filter(
        (head) =>
          head.status === 'running' && (head.awaiting ?? []).some((a) => a.kind === kind && a.name === name),
      )
      .sort((a, b) => new Date(a.startedAt).getTime() - new Date(b.startedAt).getTime())
      .slice(0, limit);
  }

  async instanceIdOf(businessKey: string): Promise<string | undefined> {
    const recorded = await this.ticketNumbers.instanceOf?.(businessKey);
    if (recorded) return recorded;
    const work = await OpenWork.of(this.models).ready();
    return work.openInstances().find((head) => head.businessKey === businessKey)?.id;
  }
}
