import { strFromU8, unzipSync } from 'fflate';
import { reportCsv } from '../../../src/app/reports-csv.js';
import { reportXlsx } from '../../../src/app/reports-xlsx.js';
import type { TicketFacts } from '../../../src/domain/reports/facts.js';
import { computeReport } from '../../../src/domain/reports/figures.js';
import { periodOf } from '../../../src/domain/reports/period.js';

const HOUR = 3_600_000;
const day = Date.parse('2030-03-12T00:00:00Z');

/** A ticket opened at `hour` of 2030-03-12 with dimension `service`, closed an hour later when `closed`. */
function ticket(id: string, hour: number, service: string, closed: boolean): TicketFacts {
  const openedAt = day + hour * HOUR;
  return {
    id,
    seq: 3,
    procedureId: 'complaints',
    version: 1,
    businessKey: `REC-${id}`,
    status: closed ? 'completed' : 'running',
    dims: { service },
    openedAt,
    ...(closed
      ? { firstResponseAt: openedAt + HOUR / 2, resolvedAt: openedAt + HOUR, closedAt: openedAt + HOUR }
      : {}),
    sla: [],
    reassignments: 0,
    escalations: 0,
    agents: ['luis'],
    groups: ['l1'],
    visits: [],
  };
}

/** The cells of the first sheet, row by row, as text (shared strings resolved). */
function readSheet(xlsx: Buffer): { rows: string[][]; xml: string } {
  const files = unzipSync(new Uint8Array(xlsx));
  const shared = files['xl/sharedStrings.xml'] ? strFromU8(files['xl/sharedStrings.xml']) : '';
  const strings = [...shared.matchAll(/<si>(?:<t[^>]*>)?([\s\S]*?)(?:<\/t>)?<\/si>/g)].map((m) =>
    unescape(m[1]!),
  );
  const sheetName = Object.keys(files).find((name) => /^xl\/worksheets\/sheet\d+\.xml$/.test(name))!;
  const xml = strFromU8(files[sheetName]!);
  const rows = [...xml.matchAll(/<row[^>]*>([\s\S]*?)<\/row>/g)].map((row) =>
    [...row[1]!.matchAll(/<c ([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)].map(([, attrs, body]) => {
      const value =
        /<v>([\s\S]*?)<\/v>/.exec(body ?? '')?.[1] ?? /<t[^>]*>([\s\S]*?)<\/t>/.exec(body ?? '')?.[1] ?? '';
      return /t="s"/.test(attrs!) ? strings[Number(value)]! : unescape(value);
    }),
  );
  return { rows, xml };
}

function unescape(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

describe('XLSX export of a report', () => {
  const period = periodOf('day', '2030-03-12', 'UTC');
  const request = { period, groupBy: 'dim:service' as const };
  const figures = computeReport(
    [
      ticket('a', 9, 'Radiology', true),
      ticket('b', 10, 'Radiology', false),
      ticket('c', 11, '=HYPERLINK("http://evil.example","x")', true),
      ticket('d', 12, '@SUM(A1:A9)', true),
    ],
    { from: period.from.getTime(), to: period.to.getTime(), groupBy: 'dim:service' },
  );
  const label = (key: string) => ({ 'reports.total': 'Total', 'reports.none': '—' })[key] ?? key;

  test('given a report whose group values look like formulas, when exported as XLSX and read back, then it holds the CSV table with numbers as numbers and no formula', async () => {
    const xlsx = await reportXlsx(figures, request, label);

    expect(xlsx.subarray(0, 2).toString('latin1')).toBe('PK');
    const { rows, xml } = readSheet(xlsx);
    expect(xml).not.toMatch(/<f[ >]/);
    const csv = reportCsv(figures, request, label)
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(rows).toHaveLength(csv.length);
    expect(rows[0]!.slice(0, 5)).toEqual([
      'reports.csv.period',
      'reports.csv.group',
      'reports.opened',
      'reports.closed',
      'reports.backlog',
    ]);
    const byGroup = Object.fromEntries(rows.slice(1).map((row) => [row[1], row]));
    expect(byGroup.Radiology!.slice(0, 5)).toEqual(['2030-03-12', 'Radiology', '2', '1', '1']);
    expect(Object.keys(byGroup)).toEqual(
      expect.arrayContaining([`'=HYPERLINK("http://evil.example","x")`, "'@SUM(A1:A9)", 'Total']),
    );
    // Durations in minutes, as numbers: the total's first response median is 30 minutes.
    expect(byGroup.Total!.slice(2, 6)).toEqual(['4', '3', '1', '30']);
    expect(xml).toMatch(/<c [^>]*><v>30<\/v><\/c>/);
  });
});
