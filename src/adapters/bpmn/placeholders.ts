import type { FieldIssue } from '../../domain/errors.js';
import { MAX_LENGTH } from '../../domain/expression/index.js';

/**
 * Longest expression body, property value or parameter value the deploy gate reads, in characters
 * (surrounding whitespace aside): the expression language's own cap.
 */
export const MAX_EXPRESSION_TEXT = MAX_LENGTH;

/**
 * The sources of the `${ ... }` placeholders in `text`, in order and untrimmed. Each `${` is closed by
 * the next `}` (as `/\$\{([^}]+)\}/g` reads it), an empty `${}` is skipped and an unclosed `${` ends
 * the scan. Linear in the length of `text`, whatever it holds.
 */
export function placeholderSources(text: string): string[] {
  const sources: string[] = [];
  for (let start = text.indexOf('${'); start !== -1; ) {
    const end = text.indexOf('}', start + 2);
    if (end === -1) break;
    if (end > start + 2) sources.push(text.slice(start + 2, end));
    start = text.indexOf('${', end + 1);
  }
  return sources;
}

/** The source inside `text` when `text` is `${` + at least one character + `}`, else undefined. */
export function wholePlaceholder(text: string): string | undefined {
  const wrapped = text.length > 3 && text.startsWith('${') && text.endsWith('}');
  return wrapped ? text.slice(2, -1) : undefined;
}

/** Whether `text`, surrounding whitespace aside, is over {@link MAX_EXPRESSION_TEXT}. */
export function isTooLong(text: string): boolean {
  return text.trim().length > MAX_EXPRESSION_TEXT;
}

/**
 * The finding for a text over {@link MAX_EXPRESSION_TEXT}, refused before it is read any further.
 * `path` is the element id; `subject` names the element and what was read, e.g. `<task>: expression`.
 */
export function tooLongIssue(path: string, subject: string, text: string): FieldIssue {
  const length = text.trim().length;
  return {
    path,
    reason: 'expression-too-long',
    message: `${subject} is ${length} characters long, over the limit of ${MAX_EXPRESSION_TEXT}`,
  };
}
