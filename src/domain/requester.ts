/**
 * The requester directory (issue 14, docs/adr/0030): people who contact the desks, with the
 * emails and phones they are found by. Pure: normalisation, validation and the bounded list of
 * the tickets each requester opened.
 */
import type { FieldIssue } from './errors.js';

/** UI / mail languages a requester may prefer. */
export const REQUESTER_LANGUAGES = ['es', 'it', 'en'] as const;
export type RequesterLanguage = (typeof REQUESTER_LANGUAGES)[number];

/** An identifier of the requester in another register: `{ kind: 'gp', value: 'MMG-FI-0421' }`. */
export interface RequesterIdentifier {
  readonly kind: string;
  readonly value: string;
}

/** What a person edits or a CSV row gives. Emails and phones are stored normalised. */
export interface RequesterInput {
  readonly name: string;
  readonly emails: readonly string[];
  readonly phones: readonly string[];
  readonly establishment?: string;
  readonly role?: string;
  readonly identifiers: readonly RequesterIdentifier[];
  /** The account is institutional: the institutional-email rule accepts its emails. */
  readonly institutional: boolean;
  readonly language?: RequesterLanguage;
}

/** A ticket the requester opened (newest first on the requester). */
export interface RequesterTicket {
  readonly instanceId: string;
  readonly businessKey: string;
  readonly procedureId: string;
  readonly openedAt: Date;
}

/** A stored requester. */
export interface Requester extends RequesterInput {
  readonly id: string;
  readonly version: number;
  readonly source: 'manual' | 'import' | 'ticket';
  readonly tickets: readonly RequesterTicket[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly updatedBy: string;
}

/** Tickets kept on a requester; older ones are still on the supervisor's instance list. */
export const MAX_REQUESTER_TICKETS = 50;
export const MAX_EMAILS = 10;
export const MAX_PHONES = 10;
export const MAX_IDENTIFIERS = 10;
const MAX_TEXT = 200;

const EMAIL = /^[^\s@,;<>"()[\]\\]+@[^\s@,;<>"()[\]\\]+\.[^\s@,;<>"()[\]\\]+$/;

/** Lower-cased trimmed address, or undefined when it is not one plain `local@domain.tld` address. */
export function normalizeEmail(text: string): string | undefined {
  const value = text.trim().toLowerCase();
  return value.length <= 254 && EMAIL.test(value) ? value : undefined;
}

/**
 * E.164-ish digits: separators dropped, a leading `+` or `00` international prefix dropped
 * (`+39 055 123 4567` and `0039 055-1234567` are both `390551234567`); 6 to 15 digits, else undefined.
 */
export function normalizePhone(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed.length > 40 || !/^\+?[\d\s().\-/]+$/.test(trimmed)) return undefined;
  let digits = trimmed.replace(/\D/g, '');
  if (!trimmed.startsWith('+') && digits.startsWith('00')) digits = digits.slice(2);
  return digits.length >= 6 && digits.length <= 15 ? digits : undefined;
}

/** `_id` of the lookup document of an email (`email:<normalised>`). */
export function emailKey(email: string): string {
  return `email:${email}`;
}

/** `_id` of the lookup document of a phone (`phone:<digits>`). */
export function phoneKey(phone: string): string {
  return `phone:${phone}`;
}

/** Every lookup key of a requester. */
export function requesterKeys(input: Pick<RequesterInput, 'emails' | 'phones'>): string[] {
  return [...input.emails.map(emailKey), ...input.phones.map(phoneKey)];
}

/** Lower case without accents, for name search. */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
}

/** True when every word of `query` is in the requester's name, establishment or identifiers. */
export function matchesName(requester: RequesterInput, query: string): boolean {
  const haystack = foldText(
    [requester.name, requester.establishment ?? '', ...requester.identifiers.map((i) => i.value)].join(' '),
  );
  const words = foldText(query).split(/\s+/).filter(Boolean).slice(0, 10);
  return words.length > 0 && words.every((word) => haystack.includes(word));
}

/** The ticket list with `ticket` first (once), at most {@link MAX_REQUESTER_TICKETS}. */
export function withTicket(
  tickets: readonly RequesterTicket[],
  ticket: RequesterTicket,
): readonly RequesterTicket[] {
  const others = tickets.filter((t) => t.instanceId !== ticket.instanceId);
  return [ticket, ...others]
    .sort((a, b) => new Date(b.openedAt).getTime() - new Date(a.openedAt).getTime())
    .slice(0, MAX_REQUESTER_TICKETS);
}

/** Raw text fields of a requester, as a web form or a CSV row gives them. */
export interface RequesterText {
  readonly name?: string;
  /** Separated by `;`, `,`, `|` or new lines. */
  readonly emails?: string;
  readonly phones?: string;
  readonly establishment?: string;
  readonly role?: string;
  /** `kind=value` pairs separated by `;` or new lines, e.g. `gp=MMG-FI-0421; employee=4411`. */
  readonly identifiers?: string;
  /** `true`/`yes`/`si`/`sì`/`1`/`on` (case-insensitive) or empty. */
  readonly institutional?: string;
  readonly language?: string;
}

/** Text fields checked and normalised; `issues` name the field (`name`, `emails`, ...). */
export function parseRequesterText(text: RequesterText): {
  readonly value?: RequesterInput;
  readonly issues: FieldIssue[];
} {
  const issues: FieldIssue[] = [];
  const issue = (path: string, reason: string, message: string) => issues.push({ path, reason, message });
  const name = (text.name ?? '').trim();
  if (!name) issue('name', 'required', 'the name is required');
  if (name.length > MAX_TEXT) issue('name', 'maxLength', `the name is longer than ${MAX_TEXT} characters`);
  const emails = listOf(text.emails, 'emails', MAX_EMAILS, normalizeEmail, 'is not an email address', issue);
  const phones = listOf(text.phones, 'phones', MAX_PHONES, normalizePhone, 'is not a phone number', issue);
  const identifiers = identifiersOf(text.identifiers ?? '', issue);
  const establishment = short(text.establishment, 'establishment', issue);
  const role = short(text.role, 'role', issue);
  const institutional = flagOf(text.institutional ?? '', issue);
  const language = (text.language ?? '').trim().toLowerCase();
  if (language && !(REQUESTER_LANGUAGES as readonly string[]).includes(language))
    issue('language', 'enum', `language "${language.slice(0, 20)}" is not one of es, it, en`);
  if (issues.length) return { issues };
  return {
    issues,
    value: {
      name,
      emails,
      phones,
      identifiers,
      institutional,
      ...(establishment ? { establishment } : {}),
      ...(role ? { role } : {}),
      ...(language ? { language: language as RequesterLanguage } : {}),
    },
  };
}

type Report = (path: string, reason: string, message: string) => void;

function listOf(
  raw: string | undefined,
  path: string,
  max: number,
  normalize: (text: string) => string | undefined,
  problem: string,
  issue: Report,
): string[] {
  const parts = (raw ?? '')
    .split(/[;,|\n]/)
    .map((part) => part.trim())
    .filter(Boolean);
  if (parts.length > max) issue(path, 'maxItems', `at most ${max} ${path}`);
  const values: string[] = [];
  for (const part of parts.slice(0, max)) {
    const value = normalize(part);
    if (value === undefined) issue(path, 'format', `"${part.slice(0, 60)}" ${problem}`);
    else if (!values.includes(value)) values.push(value);
  }
  return values;
}

function identifiersOf(raw: string, issue: Report): RequesterIdentifier[] {
  const parts = raw
    .split(/[;\n]/)
    .map((part) => part.trim())
    .filter(Boolean);
  if (parts.length > MAX_IDENTIFIERS)
    issue('identifiers', 'maxItems', `at most ${MAX_IDENTIFIERS} identifiers`);
  return parts.slice(0, MAX_IDENTIFIERS).flatMap((part) => {
    const eq = part.indexOf('=');
    const kind = eq >= 0 ? part.slice(0, eq).trim().toLowerCase() : 'id';
    const value = (eq >= 0 ? part.slice(eq + 1) : part).trim();
    if (!/^[a-z][a-z0-9_-]{0,29}$/.test(kind) || !value || value.length > 100) {
      issue('identifiers', 'format', `"${part.slice(0, 60)}" is not kind=value (e.g. gp=MMG-FI-0421)`);
      return [];
    }
    return [{ kind, value }];
  });
}

function short(raw: string | undefined, path: string, issue: Report): string | undefined {
  const value = (raw ?? '').trim();
  if (value.length > MAX_TEXT) issue(path, 'maxLength', `${path} is longer than ${MAX_TEXT} characters`);
  return value || undefined;
}

function flagOf(raw: string, issue: Report): boolean {
  const value = foldText(raw);
  if (['true', 'yes', 'si', '1', 'on', 'x'].includes(value)) return true;
  if (['', 'false', 'no', '0', 'off'].includes(value)) return false;
  issue('institutional', 'type', `institutional "${raw.slice(0, 20)}" is not yes/no`);
  return false;
}

/** The text fields of a stored requester, as the edit form shows them. */
export function requesterText(requester: RequesterInput): Required<RequesterText> {
  return {
    name: requester.name,
    emails: requester.emails.join('; '),
    phones: requester.phones.join('; '),
    establishment: requester.establishment ?? '',
    role: requester.role ?? '',
    identifiers: requester.identifiers.map((i) => `${i.kind}=${i.value}`).join('; '),
    institutional: requester.institutional ? 'yes' : '',
    language: requester.language ?? '',
  };
}
