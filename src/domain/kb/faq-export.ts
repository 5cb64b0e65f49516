import type { ArticleVersion } from './article.js';

/** Headings of the export, in the export's language. */
export interface ExportHeadings {
  readonly title: string;
  readonly faq: string;
  readonly glossary: string;
}

/** FAQ entries then glossary terms, each sorted by title (the quarterly publication order). */
function ordered(articles: readonly ArticleVersion[]) {
  const byTitle = (a: ArticleVersion, b: ArticleVersion) => a.title.localeCompare(b.title);
  return {
    faq: articles.filter((a) => a.kind === 'faq').sort(byTitle),
    glossary: articles.filter((a) => a.kind === 'glossary').sort(byTitle),
  };
}

/** The quarterly FAQ and glossary as one Markdown document (article bodies are Markdown already). */
export function faqMarkdown(articles: readonly ArticleVersion[], headings: ExportHeadings): string {
  const { faq, glossary } = ordered(articles);
  const lines = [`# ${headings.title}`, '', `## ${headings.faq}`, ''];
  for (const article of faq) lines.push(`### ${oneLine(article.title)}`, '', article.body.trim(), '');
  lines.push(`## ${headings.glossary}`, '');
  for (const article of glossary) lines.push(`**${oneLine(article.title)}**: ${oneLine(article.body)}`, '');
  return `${lines.join('\n').trimEnd()}\n`;
}

const CSV_COLUMNS = [
  'kind',
  'language',
  'articleId',
  'version',
  'title',
  'category',
  'procedureIds',
  'public',
  'date',
  'body',
];

/** The same entries as CSV (RFC 4180 quoting; cells that a spreadsheet would run as formulas are defused). */
export function faqCsv(articles: readonly ArticleVersion[]): string {
  const { faq, glossary } = ordered(articles);
  const rows = [...faq, ...glossary].map((a) => [
    a.kind,
    a.language,
    a.articleId,
    String(a.version),
    a.title,
    a.category,
    a.procedureIds.join(' '),
    a.public ? 'yes' : 'no',
    a.createdAt.toISOString(),
    a.body,
  ]);
  return [CSV_COLUMNS, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** One CSV cell: quoted, quotes doubled, a leading `= + - @` (or tab/CR) prefixed with `'`. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
