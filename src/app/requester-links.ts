import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import {
  checkLink,
  expiryOf,
  isTokenShaped,
  tokenId,
  type LinkPurpose,
  type LinkRevocation,
  type RequesterLink,
} from '../domain/requester-link.js';
import { AppError } from '../domain/errors.js';
import { REQUESTER_LANGUAGES } from '../domain/requester.js';

/** Ticket variable with the language the requester picked (the portal sets it on its starts). */
const REQUESTER_LANGUAGE_VARIABLE = 'requesterLanguage';

/**
 * Storage of requester links (`requester_tokens`), revocations (`requester_revocations`) and
 * survey answers (`survey_answers`); every read and write goes by `_id` (ADR 0017).
 */
export interface RequesterLinkStore {
  /** Inserts the link; false when a link with this id exists already (insert-if-absent). */
  insert(link: RequesterLink): Promise<boolean>;
  find(id: string): Promise<RequesterLink | null>;
  markUsed(id: string, at: Date): Promise<void>;
  revocation(instanceId: string): Promise<LinkRevocation | null>;
  /** Records (or moves forward) the revocation instant of the ticket's links. */
  revoke(revocation: LinkRevocation): Promise<void>;
}

/** Collaborators and settings of the link service. */
export interface RequesterLinksDeps {
  readonly store: RequesterLinkStore;
  readonly clock: Clock;
  /** Base URL of the links, without trailing slash (`HELPDESK_PUBLIC_URL`). */
  readonly publicUrl: string;
  /** Tracking-link lifetime (`HELPDESK_REQUESTER_LINK_DAYS`). */
  readonly trackDays: number;
  /** HMAC key of delivery-time tokens; random per process when absent. */
  readonly secret?: string;
  /** The requester directory's language for an email (its port), if it knows one. */
  readonly languageOf?: (email: string) => Promise<string | undefined>;
}

/** A link the holder may use, and the ticket it grants. */
export interface GrantedLink extends RequesterLink {
  readonly token: string;
}

const PATHS: Readonly<Record<LinkPurpose, string>> = { track: '/r/', survey: '/s/' };

/**
 * Mints, checks and revokes requester links (docs/adr/0025). A link grants exactly one ticket for
 * one purpose; tokens are 32 random bytes (or an HMAC of the server secret and the outbox message
 * id, so a retried delivery mails the same link), stored only as their SHA-256.
 */
export class RequesterLinks {
  private readonly secret: string;

  constructor(private readonly deps: RequesterLinksDeps) {
    this.secret = deps.secret ?? randomBytes(32).toString('base64url');
  }

  /** A fresh random link (the portal's "ticket opened" mail); returns its URL, with `?lang=` if given. */
  async mintRandom(
    purpose: LinkPurpose,
    instanceId: string,
    email: string,
    language?: string,
  ): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.store(token, purpose, instanceId, email);
    return this.url(purpose, token, language);
  }

  /**
   * The links of one outbox message, one per purpose: each token is derived from the message id,
   * so every delivery attempt of that message stores (insert-if-absent) and mails the same links.
   * After the ticket's links were revoked the revocation instant (read once) joins the derivation:
   * a retried delivery mails fresh links (created after the revocation) instead of the revoked ones
   * (docs/adr/0025). `language` (es/it/en) is appended as `?lang=`.
   */
  async mintForMessage(
    purposes: readonly LinkPurpose[],
    messageId: string,
    instanceId: string,
    email: string,
    language?: string,
  ): Promise<string[]> {
    const revokedAt = await this.revokedAt(instanceId);
    const generation = revokedAt ? `\n${revokedAt.toISOString()}` : '';
    const links: string[] = [];
    for (const purpose of purposes) {
      const token = createHmac('sha256', this.secret)
        .update(`${purpose}\n${messageId}${generation}`)
        .digest('base64url');
      await this.store(token, purpose, instanceId, email);
      links.push(this.url(purpose, token, language));
    }
    return links;
  }

  /**
   * The requester's language: the ticket's `requesterLanguage` (picked on the portal), else the
   * directory's language for the email, else `fallback` (the message's or procedure's); only es/it/en.
   */
  async languageFor(
    variables: Readonly<Record<string, unknown>>,
    email: string | undefined,
    fallback?: string,
  ): Promise<string | undefined> {
    const picked = variables[REQUESTER_LANGUAGE_VARIABLE];
    if (isRequesterLanguage(picked)) return picked;
    const known = email ? await this.deps.languageOf?.(email).catch(() => undefined) : undefined;
    if (isRequesterLanguage(known)) return known;
    return isRequesterLanguage(fallback) ? fallback : undefined;
  }

  /** The link behind a token when it works for `purpose` now; LINK_INVALID / LINK_EXPIRED otherwise. */
  async check(token: string, purpose: LinkPurpose): Promise<GrantedLink> {
    if (!isTokenShaped(token)) throw new AppError('LINK_INVALID', 'the link is malformed');
    const link = await this.deps.store.find(tokenId(token));
    const revocation = link ? await this.deps.store.revocation(link.instanceId) : null;
    return { ...checkLink(link, purpose, revocation, this.deps.clock.now()), token };
  }

  /**
   * The ticket a well-formed token was minted for, whatever its state (expired, revoked, used): for
   * the language of the page explaining it no longer works. One `_id` read; nothing is granted.
   */
  async ticketOf(token: string): Promise<string | undefined> {
    if (!isTokenShaped(token)) return undefined;
    return (await this.deps.store.find(tokenId(token)))?.instanceId;
  }

  /** Marks a survey link used (after its answer was committed). */
  markUsed(link: RequesterLink): Promise<void> {
    return this.deps.store.markUsed(link.id, this.deps.clock.now());
  }

  /** Revokes every link of the ticket created until now (one `_id` write, no scan; the caller authorises). */
  async revokeAll(instanceId: string, by: string): Promise<void> {
    await this.deps.store.revoke({ instanceId, revokedAt: this.deps.clock.now(), by });
  }

  /** When the ticket's links were last revoked, if ever. */
  async revokedAt(instanceId: string): Promise<Date | undefined> {
    return (await this.deps.store.revocation(instanceId))?.revokedAt;
  }

  /**
   * The CSRF token of forms on a link's pages: derived from the token alone (no per-process key, so
   * any app process accepts it), useless without the token, which another site does not have.
   */
  csrfFor(token: string): string {
    return createHash('sha256').update(`requester-csrf\n${token}`).digest('base64url');
  }

  private async store(token: string, purpose: LinkPurpose, instanceId: string, email: string) {
    const createdAt = this.deps.clock.now();
    await this.deps.store.insert({
      id: tokenId(token),
      purpose,
      instanceId,
      email,
      createdAt,
      expiresAt: expiryOf(purpose, createdAt, this.deps.trackDays),
    });
  }

  private url(purpose: LinkPurpose, token: string, language?: string): string {
    const lang = isRequesterLanguage(language) ? `?lang=${language}` : '';
    return `${this.deps.publicUrl}${PATHS[purpose]}${token}${lang}`;
  }
}

function isRequesterLanguage(value: unknown): value is string {
  return typeof value === 'string' && (REQUESTER_LANGUAGES as readonly string[]).includes(value);
}
