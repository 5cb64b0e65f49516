import type { SheetData } from 'write-excel-file/node';
import { formulaSafe, type CsvCell } from '../domain/reports/csv.js';
import type { ReportFigures } from '../domain/reports/figures.js';
import { reportTable, type ReportLabel } from './reports-csv.js';
import type { ReportRequest } from './reports-service.js';

/** XLSX content type. */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The XLSX workbook of a report (docs/adr/0035): the same table as the CSV, one sheet, numbers as
 * numbers and text as text cells (never formulas; text starting with `= + - @` is also prefixed
 * with `'`, as in the CSV, so a copy-paste or re-export stays safe). Written by write-excel-file,
 * loaded at the first export.
 */
export async function reportXlsx(
  figures: ReportFigures,
  request: Pick<ReportRequest, 'period' | 'groupBy'>,
  t: ReportLabel,
): Promise<Buffer> {
  const { header, rows } = reportTable(figures, request, t);
  const data: SheetData = [
    header.map((value) => ({ value: formulaSafe(value), fontWeight: 'bold' as const })),
    ...rows.map((cells) => cells.map(cell)),
  ];
  const sheet = request.period.key.replace(/[^0-9A-Za-z-]/g, '_').slice(0, 31) || 'report';
  const { default: writeXlsxFile } = await import('write-excel-file/node');
  return writeXlsxFile(data, { sheet }).toBuffer();
}

function cell(value: CsvCell) {
  if (value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? { value, type: Number } : null;
  return { value: formulaSafe(value), type: String };
}
