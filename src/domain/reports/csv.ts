/**
 * CSV text (RFC 4180) that spreadsheets open safely: every cell quoted when it holds a comma, quote
 * or line break, and a cell starting with `=`, `+`, `-`, `@`, tab or carriage return is prefixed
 * with `'` so it is never read as a formula (CSV injection).
 */

/** One cell: text, a number, or empty. */
export type CsvCell = string | number | undefined;

const FORMULA = /^[=+\-@\t\r]/;

/** Text a spreadsheet never reads as a formula: `'` before a leading `= + - @`, tab or CR. */
export function formulaSafe(value: string): string {
  return FORMULA.test(value) ? `'${value}` : value;
}

/** Escapes one cell. Numbers are written as they are (a negative number is not a formula). */
export function csvCell(value: CsvCell): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const safe = formulaSafe(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The CSV of a header and rows, lines ended by CRLF, with a BOM so spreadsheets read UTF-8. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const lines = [header, ...rows].map((cells) => cells.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
