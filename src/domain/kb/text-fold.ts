/**
 * Text as the knowledge-base search compares it: Unicode-normalized, accents removed,
 * lower case, so "perché", "Perche" and "PERCHÉ" are one term, as are "cédula" and "cedula".
 */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** The text of a Markdown body without its markup characters, for indexing (bounded input). */
export function plainOfMarkdown(markdown: string, max = 20_000): string {
  return markdown
    .slice(0, max)
    .replace(/\]\([^)\s]{0,2000}\)/g, ']')
    .replace(/[#*_`>~|[\]-]+/g, ' ');
}
