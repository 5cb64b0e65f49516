/** A run of text of a form's `text` component; `strong` for `**bold**` markdown. */
export interface TextRun {
  readonly text: string;
  readonly strong: boolean;
}

/** One paragraph of a `text` component. */
export interface Paragraph {
  readonly runs: readonly TextRun[];
}

/**
 * The markdown of a form-js `text` component, reduced to what the forms use:
 * paragraphs (blank lines) and `**bold**`. Everything stays text, escaped by the template.
 */
export function textParagraphs(markdown: string): Paragraph[] {
  return markdown
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter((block) => block !== '')
    .map((block) => ({ runs: runsOf(block.replace(/^#+\s*/, '')) }));
}

function runsOf(block: string): TextRun[] {
  return block
    .split(/(\*\*[^*]+\*\*)/)
    .filter((part) => part !== '')
    .map((part) =>
      part.startsWith('**') && part.endsWith('**') && part.length > 4
        ? { text: part.slice(2, -2), strong: true }
        : { text: part, strong: false },
    );
}
