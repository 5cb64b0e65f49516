/**
 * The requester directory (issue 14, docs/adr/0030): lookup by phone, email or name for the start
 * forms and the telephony screen-pop; list and edit for supervisors and admins; the tickets each
 * requester opened. Phones and emails are found through `_id`-keyed lookup documents.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../domain/actor.js';
import type { Clock } from '../domain/clock.js';
import { AppError, type FieldIssue } from '../domain/errors.js';
import {
  emailKey,
  matchesName,
  normalizeEmail,
  normalizePhone,
  phoneKey,
  requesterKeys,
  withTicket,
  type Requester,
  type RequesterInput,
  type RequesterTicket,
} from '../domain/requester.js';
import { requireAnyRole } from './authorization.js';

/** Storage of requesters (`requesters`) and their lookup keys (`requester_keys`). */
export interface RequesterStore {
  get(id: string): Promise<Requester | undefined>;
  /** Inserts a new requester; a taken id is CONFLICT. */
  insert(requester: Requester): Promise<void>;
  /** Replaces it when its stored version is `expectedVersion`; false otherwise. */
  replace(requester: Requester, expectedVersion: number): Promise<boolean>;
  /** The requester id a key (`email:…` / `phone:…`) points to. */
  keyOwner(key: string): Promise<string | undefined>;
  /** Points the key at the requester unless it points elsewhere; answers the owner after the attempt. */
  claimKey(key: string, requesterId: string): Promise<string>;
  /** Drops the key if it points at this requester. */
  releaseKey(key: string, requesterId: string): Promise<void>;
  /** Up to `limit` requesters, in no particular order (name search and the list page). */
  scan(limit: number): Promise<Requester[]>;
}

/** What a lookup searches by: exactly one of them. */
export interface RequesterQuery {
  readonly phone?: string;
  readonly email?: string;
  /** Name words (also matched against establishment and identifiers). */
  readonly q?: string;
}

/** Requesters read for a name search: the directory's size bounds it, not the tickets'. */
export const MAX_SCAN = 5000;
/** Matches a name search answers. */
export const MAX_MATCHES = 20;

const LOOKUP_ROLES = ['agent', 'supervisor'] as const;
const EDIT_ROLES = ['supervisor'] as const;

/** Collaborators of the directory. */
export interface RequesterDirectoryDeps {
  readonly store: RequesterStore;
  readonly clock: Clock;
  /** Called after a requester was created or edited (e.g. to refresh the institutional accounts). */
  readonly onChange?: () => Promise<void>;
}

/** Use cases of the requester directory. Admins pass every role check. */
export class RequesterDirectory {
  constructor(private readonly deps: RequesterDirectoryDeps) {}

  /** Matches for a phone or email (0 or 1, by `_id` reads) or a name (at most {@link MAX_MATCHES}). */
  async lookup(query: RequesterQuery, actor: Actor): Promise<Requester[]> {
    requireAnyRole(actor, LOOKUP_ROLES);
    if (query.phone !== undefined) {
      const phone = normalizePhone(query.phone);
      if (!phone) throw badQuery('phone', `"${query.phone.slice(0, 40)}" is not a phone number`);
      return this.byKey(phoneKey(phone));
    }
    if (query.email !== undefined) {
      const email = normalizeEmail(query.email);
      if (!email) throw badQuery('email', `"${query.email.slice(0, 60)}" is not an email address`);
      return this.byKey(emailKey(email));
    }
    const words = (query.q ?? '').trim();
    if (words.length < 2 || words.length > 100)
      throw badQuery('q', 'a name search needs 2 to 100 characters');
    return this.search(words, MAX_MATCHES);
  }

  /** The directory page: every requester (or those matching `q`), by name, at most `limit`. */
  async list(q: string | undefined, actor: Actor, limit = 200): Promise<Requester[]> {
    requireAnyRole(actor, EDIT_ROLES);
    return this.search((q ?? '').trim().slice(0, 100), limit);
  }

  /** One requester; REQUESTER_NOT_FOUND names the id. */
  async get(id: string, actor: Actor): Promise<Requester> {
    requireAnyRole(actor, [...LOOKUP_ROLES]);
    return this.mustGet(id);
  }

  /**
   * Registers a new requester (role supervisor, except `source: 'ticket'`); an email or phone of
   * another requester is VALIDATION_FAILED naming it.
   */
  async create(
    input: RequesterInput,
    actor: Actor,
    source: Requester['source'] = 'manual',
  ): Promise<Requester> {
    // A registration from a ticket is an effect of a start that was authorised already.
    if (source !== 'ticket') requireAnyRole(actor, EDIT_ROLES);
    const now = this.deps.clock.now();
    const requester: Requester = {
      ...input,
      id: randomUUID(),
      version: 1,
      source,
      tickets: [],
      createdAt: now,
      updatedAt: now,
      updatedBy: actor.id,
    };
    await this.claimAll(requester.id, requesterKeys(input));
    try {
      await this.deps.store.insert(requester);
    } catch (error) {
      await this.releaseAll(requester.id, requesterKeys(input));
      throw error;
    }
    await this.changed();
    return requester;
  }

  /** Replaces a requester's data when `version` is current (else CONFLICT); its keys follow. */
  async update(id: string, input: RequesterInput, version: number, actor: Actor): Promise<Requester> {
    requireAnyRole(actor, EDIT_ROLES);
    const current = await this.mustGet(id);
    if (current.version !== version) throw changed(id);
    const before = requesterKeys(current);
    const after = requesterKeys(input);
    await this.claimAll(
      id,
      after.filter((key) => !before.includes(key)),
    );
    // Optional fields left empty in the input are cleared, not kept.
    const { establishment: _e, role: _r, language: _l, ...kept } = current;
    const next: Requester = {
      ...kept,
      ...input,
      version: version + 1,
      updatedAt: this.deps.clock.now(),
      updatedBy: actor.id,
    };
    if (!(await this.deps.store.replace(next, version))) {
      await this.releaseAll(
        id,
        after.filter((key) => !before.includes(key)),
      );
      throw changed(id);
    }
    await this.releaseAll(
      id,
      before.filter((key) => !after.includes(key)),
    );
    await this.changed();
    return next;
  }

  /**
   * Adds a ticket to the requester's list (newest first, bounded; idempotent), retrying a lost race.
   * `known`: the requester as just read, tried first instead of reading it again.
   */
  async recordTicket(id: string, ticket: RequesterTicket, known?: Requester): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const current = attempt === 0 && known?.id === id ? known : await this.mustGet(id);
      if (current.tickets.some((t) => t.instanceId === ticket.instanceId)) return;
      const next = { ...current, version: current.version + 1, tickets: withTicket(current.tickets, ticket) };
      if (await this.deps.store.replace(next, current.version)) return;
    }
    throw changed(id);
  }

  /** The requester a key points to, without a role check (start hooks, institutional allowance). */
  async findByKey(key: string): Promise<Requester | undefined> {
    const id = await this.deps.store.keyOwner(key);
    return id ? this.deps.store.get(id) : undefined;
  }

  /** The preferred language of the requester with this email, if the directory knows one. */
  async languageOf(email: string): Promise<string | undefined> {
    const normalized = normalizeEmail(email);
    return normalized ? (await this.findByKey(emailKey(normalized)))?.language : undefined;
  }

  /** Emails of the requesters flagged institutional (a bounded scan; cached by the caller). */
  async institutionalEmails(): Promise<string[]> {
    const all = await this.deps.store.scan(MAX_SCAN);
    return all.filter((requester) => requester.institutional).flatMap((requester) => requester.emails);
  }

  private async changed(): Promise<void> {
    await this.deps.onChange?.().catch(() => undefined);
  }

  private async byKey(key: string): Promise<Requester[]> {
    const found = await this.findByKey(key);
    return found ? [found] : [];
  }

  private async search(q: string, limit: number): Promise<Requester[]> {
    const all = await this.deps.store.scan(MAX_SCAN);
    const matches = q ? all.filter((requester) => matchesName(requester, q)) : all;
    return matches.sort((a, b) => a.name.localeCompare(b.name)).slice(0, limit);
  }

  private async mustGet(id: string): Promise<Requester> {
    const found = id.length <= 100 ? await this.deps.store.get(id) : undefined;
    if (!found) throw new AppError('REQUESTER_NOT_FOUND', `requester <${id.slice(0, 100)}> not found`);
    return found;
  }

  /** Claims every key for `id`; if one belongs to another requester, gives back those claimed and refuses. */
  private async claimAll(id: string, keys: readonly string[]): Promise<void> {
    const claimed: string[] = [];
    const issues: FieldIssue[] = [];
    for (const key of keys) {
      const owner = await this.deps.store.claimKey(key, id);
      if (owner === id) claimed.push(key);
      else issues.push(await this.takenIssue(key, owner));
    }
    if (issues.length) {
      await this.releaseAll(id, claimed);
      throw new AppError('VALIDATION_FAILED', issues.map((i) => i.message).join('; '), issues);
    }
  }

  private async takenIssue(key: string, owner: string): Promise<FieldIssue> {
    const [kind, value] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    const name = (await this.deps.store.get(owner))?.name ?? owner;
    return {
      path: kind === 'email' ? 'emails' : 'phones',
      reason: 'taken',
      message: `${kind} ${value} already belongs to requester "${name}" <${owner}>`,
    };
  }

  private async releaseAll(id: string, keys: readonly string[]): Promise<void> {
    for (const key of keys) await this.deps.store.releaseKey(key, id);
  }
}

function badQuery(path: string, message: string): AppError {
  return new AppError('BAD_REQUEST', `requester lookup: ${message}`, [{ path, reason: 'format', message }]);
}

function changed(id: string): AppError {
  return new AppError('CONFLICT', `requester <${id}> was changed meanwhile; reload and edit again`);
}
