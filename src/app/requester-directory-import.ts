/**
 * CSV import into the requester directory (docs/adr/0030). A header row names the columns
 * (`name` required; `emails`, `phones`, `establishment`, `role`, `identifiers`, `institutional`,
 * `language`; singular `email` / `phone` accepted). A row whose email or phone is already known
 * updates that requester (emails, phones and identifiers are merged), so importing the same file
 * again changes nothing. Each bad row is reported with its line and column; the others import.
 */
import { parse } from 'csv-parse/sync';
import type { Actor } from '../domain/actor.js';
import { AppError, isAppError } from '../domain/errors.js';
import {
  parseRequesterText,
  requesterKeys,
  type Requester,
  type RequesterInput,
  type RequesterText,
} from '../domain/requester.js';
import { requireAnyRole } from './authorization.js';
import type { RequesterDirectory } from './requester-directory.js';

/** Largest CSV accepted (bytes of UTF-8). */
export const MAX_CSV_BYTES = 1_000_000;
/** Data rows accepted per import. */
export const MAX_CSV_ROWS = 5000;

const COLUMNS: Readonly<Record<string, keyof RequesterText>> = {
  name: 'name',
  emails: 'emails',
  email: 'emails',
  phones: 'phones',
  phone: 'phones',
  establishment: 'establishment',
  role: 'role',
  identifiers: 'identifiers',
  institutional: 'institutional',
  language: 'language',
};

/** One refused row (or the whole file, line 0). */
export interface ImportIssue {
  readonly line: number;
  readonly column?: string;
  readonly message: string;
}

/** What an import did. */
export interface ImportReport {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly errors: readonly ImportIssue[];
}

/** Imports a CSV text (role supervisor); a file that cannot be read at all is VALIDATION_FAILED. */
export async function importRequestersCsv(
  directory: RequesterDirectory,
  csv: string,
  actor: Actor,
): Promise<ImportReport> {
  requireAnyRole(actor, ['supervisor']);
  const rows = readRows(csv);
  const report = { created: 0, updated: 0, unchanged: 0, errors: [] as ImportIssue[] };
  const header = rows[0]?.record ?? [];
  const fields = header.map((name) => COLUMNS[name.trim().toLowerCase()]);
  const unknown = header.filter((_name, index) => fields[index] === undefined);
  if (!fields.includes('name') || unknown.length) {
    const message = unknown.length
      ? `unknown column(s) ${unknown.map((c) => `"${c.slice(0, 40)}"`).join(', ')}; known: ${Object.keys(COLUMNS).join(', ')}`
      : 'the header row must name a "name" column';
    throw fileError(message, 1);
  }
  for (const { record, line } of rows.slice(1)) {
    const text: Record<string, string> = {};
    record.forEach((value, index) => {
      const field = fields[index];
      if (field) text[field] = text[field] ? `${text[field]};${value}` : value;
    });
    const parsed = parseRequesterText(text);
    if (!parsed.value) {
      for (const issue of parsed.issues)
        report.errors.push({ line, column: columnOf(header, fields, issue.path), message: issue.message });
      continue;
    }
    try {
      report[await upsert(directory, parsed.value, actor)] += 1;
    } catch (error) {
      if (!isAppError(error) || (error.code !== 'VALIDATION_FAILED' && error.code !== 'CONFLICT'))
        throw error;
      const column = error.details[0] ? columnOf(header, fields, error.details[0].path) : undefined;
      report.errors.push({ line, ...(column ? { column } : {}), message: error.message });
    }
  }
  return report;
}

function readRows(csv: string): { record: string[]; line: number }[] {
  if (Buffer.byteLength(csv, 'utf8') > MAX_CSV_BYTES)
    throw fileError(`the file is larger than ${MAX_CSV_BYTES} bytes`, 0);
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(csv, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      max_record_size: 10_000,
      to: MAX_CSV_ROWS + 2,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const line = Number((error as { lines?: unknown }).lines) || 0;
    throw fileError(`the CSV cannot be read: ${(error as Error).message}`, line);
  }
  if (parsed.length > MAX_CSV_ROWS + 1) throw fileError(`more than ${MAX_CSV_ROWS} rows`, 0);
  if (parsed.length === 0) throw fileError('the file is empty', 0);
  return parsed.map(({ record, info }) => ({ record, line: info.lines }));
}

/** Creates the row's requester, or merges it into the one its emails / phones already name. */
async function upsert(
  directory: RequesterDirectory,
  row: RequesterInput,
  actor: Actor,
): Promise<'created' | 'updated' | 'unchanged'> {
  const owners = new Map<string, Requester>();
  for (const key of requesterKeys(row)) {
    const found = await directory.findByKey(key);
    if (found) owners.set(found.id, found);
  }
  if (owners.size > 1) {
    const names = [...owners.values()].map((r) => `"${r.name}"`).join(' and ');
    throw new AppError(
      'VALIDATION_FAILED',
      `the row's emails and phones belong to different requesters (${names})`,
      [{ path: 'emails', reason: 'taken', message: 'emails and phones of different requesters' }],
    );
  }
  const existing = [...owners.values()][0];
  if (!existing) {
    await directory.create(row, actor, 'import');
    return 'created';
  }
  const merged = mergeRow(existing, row);
  if (sameData(existing, merged)) return 'unchanged';
  await directory.update(existing.id, merged, existing.version, actor);
  return 'updated';
}

function mergeRow(existing: Requester, row: RequesterInput): RequesterInput {
  const identifiers = [
    ...existing.identifiers.filter((i) => !row.identifiers.some((r) => r.kind === i.kind)),
    ...row.identifiers,
  ].slice(0, 10);
  const establishment = row.establishment ?? existing.establishment;
  const role = row.role ?? existing.role;
  const language = row.language ?? existing.language;
  return {
    name: row.name,
    emails: [...new Set([...existing.emails, ...row.emails])].slice(0, 10),
    phones: [...new Set([...existing.phones, ...row.phones])].slice(0, 10),
    identifiers,
    institutional: row.institutional,
    ...(establishment ? { establishment } : {}),
    ...(role ? { role } : {}),
    ...(language ? { language } : {}),
  };
}

function sameData(a: RequesterInput, b: RequesterInput): boolean {
  const pick = (r: RequesterInput) =>
    JSON.stringify([
      r.name,
      r.emails,
      r.phones,
      r.identifiers,
      r.institutional,
      r.establishment,
      r.role,
      r.language,
    ]);
  return pick(a) === pick(b);
}

function columnOf(
  header: readonly string[],
  fields: readonly (keyof RequesterText | undefined)[],
  path: string,
) {
  const index = fields.findIndex((field) => field === path);
  return index >= 0 ? header[index] : path;
}

function fileError(message: string, line: number): AppError {
  return new AppError('VALIDATION_FAILED', `requester CSV${line ? ` line ${line}` : ''}: ${message}`, [
    { path: line ? `line ${line}` : 'file', reason: 'csv', message },
  ]);
}
