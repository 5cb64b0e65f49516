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
    // The directory is read while the ticket number is drawn and the opening step commits; it is
    // written (a new requester, the ticket on its list) only once the step stands.
    const known = this.known(requesterOfVariables(start.variables));
    known.catch(() => undefined);
    return {
      variables: start.variables,
      outbox: (ticket: { instanceId: string; businessKey: string; seq: number }) =>
        courtesy ? [courtesy(ticket)] : [],
      opened: (head: InstanceRecord, actor: Actor) => this.record(head, actor, known),
    };
  }

  /** Registers or finds the requester and records the ticket on it; failures are reported, not thrown. */
  private async record(head: InstanceRecord, actor: Actor, known: Promise<Requester | undefined>) {
    try {
      const requester = (await known) ?? (await this.register(requesterOfVariables(head.variables), actor));
      if (!requester) return;
      const ticket = {
        instanceId: head.id,
        businessKey: head.businessKey,
        procedureId: head.procedureId,
        openedAt: new Date(head.startedAt),
      };
      await this.directory.recordTicket(requester.id, ticket, requester);
    } catch (error) {
      this.onError(error, head.id);
    }
  }

  /** The requester with the ticket's email, else with its phone. */
  private async known(who: RequesterFields): Promise<Requester | undefined> {
    const byEmail = who.email ? await this.directory.findByKey(emailKey(who.email)) : undefined;
    return byEmail ?? (who.phone ? await this.directory.findByKey(phoneKey(who.phone)) : undefined);
  }

  /** A ticket with an unknown email registers its requester (source `ticket`). */
  private async register(who: RequesterFields, actor: Actor): Promise<Requester | undefined> {
    if (!who.email) return undefined;
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

type RequesterFields = ReturnType<typeof requesterOfVariables>;
