import type { ModdleElement } from 'bpmn-moddle';
import { isAppError, type FieldIssue } from '../../domain/errors.js';
import { compileExpression } from '../../domain/expression/index.js';
import { ownerId } from './moddle-elements.js';
import { isTooLong, placeholderSources, tooLongIssue, wholePlaceholder } from './placeholders.js';

/**
 * Findings of one expression element: a condition must be exactly one `${ ... }`, and every
 * `${ ... }` must compile in the safe expression language. Expressions with a `language` are
 * refused as code (code-issues.ts); bodies over `MAX_EXPRESSION_TEXT` are refused unread.
 */
export function expressionIssues(element: ModdleElement): FieldIssue[] {
  if (!element.$type.endsWith('Expression') || typeof element.body !== 'string') return [];
  if (typeof element.language === 'string' && element.language.trim()) return []; // refused as code already
  const id = ownerId(element);
  const body = element.body.trim();
  if (isTooLong(body)) return [tooLongIssue(id, `<${id}>: expression`, body)];
  const parent = element.$parent as ModdleElement | undefined;
  const isCondition = parent?.conditionExpression === element || parent?.condition === element;
  const whole = wholePlaceholder(body);
  if (isCondition && (whole === undefined || whole.includes('${'))) {
    return [
      {
        path: id,
        reason: 'condition',
        message: `<${id}>: condition "${body}" must be one expression written as \${ ... }`,
      },
    ];
  }
  const sources = isCondition && whole !== undefined ? [whole] : placeholderSources(body);
  return sources.flatMap((source) => {
    try {
      compileExpression(source.trim());
      return [];
    } catch (error) {
      if (!isAppError(error)) throw error;
      return [{ path: id, reason: 'expression', message: `<${id}>: ${error.message}` }];
    }
  });
}
