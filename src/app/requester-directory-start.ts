/**
 * What a ticket start does besides the engine (docs/adr/0030): the out-of-hours facts and
 * courtesy reply before the opening step commits, and after it the requester directory learns
 * the ticket (a requester with an unknown email is registered; idempotent).
 */
import type { Actor } from '../domain/actor.js';
import { isAppError } from '../domain/errors.js';
import type { InstanceRecord } from '../domain/instance.js';
import type { ProcedureCatalog } from '../domain/procedure.js';
import { emailKey, phoneKey, type Requester } from '../domain/requester.js';
import { requesterOfVariables } from '../domain/requester-form.js';
import type { StartHooks } from './instance-service.js';
import type { OutOfHours } from './out-of-hours.js';
import type { RequesterDirectory } from './requester-directory.js';

/** The start hooks of the running app. */
export class RequesterStartHooks implements StartHooks {
  constructor(
    private readonly outOfHours: OutOfHours,
    private readonly directory: RequesterDirectory,
    private readonly onError: (error: unknown, instanceId: string) => void,
  ) {}

  input(catalog: ProcedureCatalog, input: unknown): unknown {
    return this.outOfHours.input(catalog, input);
  }

  async prepare(catalog: ProcedureCatalog, variables: Record<string, unknown>, now: Date) {
    const start = await this.outOfHours.prepare(catalog, variables, now);
    const courtesy = start.courtesy;
    return {
      variables: start.variables,
      outbox: (ticket: { instanceId: string; businessKey: string; seq: number }) =>
        courtesy ? [courtesy(ticket)] : [],
    };
  }

  /** Registers or finds the requester and records the ticket on it; failures are reported, not thrown. */
  async opened(head: InstanceRecord, actor: Actor): Promise<void> {
    try {
      const requester = await this.requesterOf(head, actor);
      if (!requester) return;
      await this.directory.recordTicket(requester.id, {
        instanceId: head.id,
        businessKey: head.businessKey,
        procedureId: head.procedureId,
        openedAt: new Date(head.startedAt),
      });
    } catch (error) {
      this.onError(error, head.id);
    }
  }

  /** By email, else by phone; an unknown email registers a new requester (source `ticket`). */
  private async requesterOf(head: InstanceRecord, actor: Actor): Promise<Requester | undefined> {
    const who = requesterOfVariables(head.variables);
    const byEmail = who.email ? await this.directory.findByKey(emailKey(who.email)) : undefined;
    if (byEmail) return byEmail;
    const byPhone = who.phone ? await this.directory.findByKey(phoneKey(who.phone)) : undefined;
    if (byPhone || !who.email) return byPhone;
    const input = {
      name: who.name ?? who.email,
      emails: [who.email],
      phones: who.phone ? [who.phone] : [],
      identifiers: [],
      institutional: false,
      ...(who.establishment ? { establishment: who.establishment } : {}),
    };
    try {
      return await this.directory.create(input, actor, 'ticket');
    } catch (error) {
      // Registered meanwhile by a concurrent start: use that one.
      if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') throw error;
      return this.directory.findByKey(emailKey(who.email));
    }
  }
}
