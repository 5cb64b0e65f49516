/** Desk mailboxes from `HELPDESK_MAILBOXES` (JSON) or `<config dir>/mailboxes.json` (docs/adr/0029). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { MailboxDefinition, StartFormMapping } from '../../app/mailbox-ports.js';

type Raw = Record<string, unknown>;

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const MAPPING_KEYS: readonly (keyof StartFormMapping)[] = [
  'subject',
  'body',
  'sender',
  'senderName',
  'cc',
  'received',
  'channel',
];
const FIELD_KEY = /^[A-Za-z_][A-Za-z0-9_.]{0,99}$/;
const MB = 1024 * 1024;

/**
 * The configured mailboxes (none when neither the variable nor the file exists). Passwords are read
 * from the environment variable each mailbox names in `imap.passwordEnv`. Throws an Error naming
 * the mailbox and field for anything malformed.
 */
export function readMailboxSettings(env: NodeJS.ProcessEnv, configDir: string): MailboxDefinition[] {
  const file = path.join(configDir, 'mailboxes.json');
  const source = env.HELPDESK_MAILBOXES?.trim()
    ? { text: env.HELPDESK_MAILBOXES, where: 'HELPDESK_MAILBOXES' }
    : existsSync(file)
      ? { text: readFileSync(file, 'utf8'), where: file }
      : undefined;
  if (!source) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(source.text);
  } catch (error) {
    throw new Error(`${source.where}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed) || parsed.length > 50)
    throw new Error(`${source.where}: must be a JSON list of at most 50 mailboxes`);
  const mailboxes = parsed.map((entry: unknown, index) => mailbox(entry, `${source.where}[${index}]`, env));
  const ids = new Set<string>();
  for (const box of mailboxes) {
    if (ids.has(box.id)) throw new Error(`${source.where}: mailbox <${box.id}> is listed twice`);
    ids.add(box.id);
  }
  return mailboxes;
}

function mailbox(entry: unknown, where: string, env: NodeJS.ProcessEnv): MailboxDefinition {
  const raw = object(entry, where);
  const id = text(raw.id, `${where}.id`);
  if (!ID.test(id)) throw new Error(`${where}.id must be lower-case letters, digits and dashes, got "${id}"`);
  const at = `mailbox <${id}>`;
  const imap = object(raw.imap, `${at} imap`);
  const passwordEnv = text(imap.passwordEnv, `${at} imap.passwordEnv`);
  const password = env[passwordEnv];
  if (!password) throw new Error(`${at}: environment variable ${passwordEnv} (imap.passwordEnv) is not set`);
  const secure = imap.secure === undefined ? true : bool(imap.secure, `${at} imap.secure`);
  return {
    id,
    imap: {
      host: text(imap.host, `${at} imap.host`),
      port: int(imap.port, secure ? 993 : 143, 1, 65535, `${at} imap.port`),
      secure,
      user: text(imap.user, `${at} imap.user`),
      password,
    },
    folder: optionalText(raw.folder, 'INBOX', `${at} folder`),
    processedFolder: optionalText(raw.processedFolder, 'Processed', `${at} processedFolder`),
    refusedFolder: optionalText(raw.refusedFolder, 'Refused', `${at} refusedFolder`),
    ignoredFolder: optionalText(raw.ignoredFolder, 'Ignored', `${at} ignoredFolder`),
    failedFolder: optionalText(raw.failedFolder, 'Failed', `${at} failedFolder`),
    maxAttempts: int(raw.maxAttempts, 5, 1, 100, `${at} maxAttempts`),
    procedureId: text(raw.procedureId, `${at} procedureId`),
    language: optionalText(raw.language, 'es', `${at} language`),
    startForm: mapping(raw.startForm, `${at} startForm`),
    constants: constants(raw.constants, `${at} constants`),
    institutionalDomains: domains(raw.institutionalDomains, `${at} institutionalDomains`),
    batchSize: int(raw.batchSize, 20, 1, 200, `${at} batchSize`),
    maxMessageBytes: int(raw.maxMessageBytes, 25 * MB, 1024, 50 * MB, `${at} maxMessageBytes`),
    maxAttachments: int(raw.maxAttachments, 5, 0, 5, `${at} maxAttachments`),
    maxSubjectChars: int(raw.maxSubjectChars, 200, 10, 2000, `${at} maxSubjectChars`),
    maxBodyChars: int(raw.maxBodyChars, 4000, 100, 100_000, `${at} maxBodyChars`),
  };
}

function mapping(value: unknown, where: string): StartFormMapping {
  const raw = object(value, where);
  const result: Record<string, string> = {};
  for (const [key, field] of Object.entries(raw)) {
    if (!MAPPING_KEYS.includes(key as keyof StartFormMapping))
      throw new Error(`${where}.${key} is not one of ${MAPPING_KEYS.join(', ')}`);
    if (typeof field !== 'string' || !FIELD_KEY.test(field))
      throw new Error(`${where}.${key} must name a form field, got ${JSON.stringify(field)}`);
    result[key] = field;
  }
  return result;
}

function constants(value: unknown, where: string): Record<string, string | number | boolean> {
  if (value === undefined) return {};
  const raw = object(value, where);
  for (const [key, item] of Object.entries(raw)) {
    if (!FIELD_KEY.test(key) || !['string', 'number', 'boolean'].includes(typeof item))
      throw new Error(`${where}.${key} must be a form field with a text, number or boolean value`);
  }
  return raw as Record<string, string | number | boolean>;
}

function domains(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(list) || list.some((item) => typeof item !== 'string'))
    throw new Error(`${where} must be a list of domains`);
  return (list as string[]).map((d) => d.trim().toLowerCase().replace(/^@/, '')).filter((d) => d !== '');
}

function object(value: unknown, where: string): Raw {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${where} must be an object`);
  return value as Raw;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 500)
    throw new Error(`${where} is required (text of at most 500 characters)`);
  return value.trim();
}

function optionalText(value: unknown, fallback: string, where: string): string {
  return value === undefined ? fallback : text(value, where);
}

function bool(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new Error(`${where} must be true or false`);
  return value;
}

function int(value: unknown, fallback: number, min: number, max: number, where: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new Error(`${where} must be an integer from ${min} to ${max}`);
  return value;
}
