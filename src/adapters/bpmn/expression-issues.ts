import type { ModdleElement } from 'bpmn-moddle';
import { isAppError, type FieldIssue } from '../../domain/errors.js';
import { compileExpression } from '../../domain/expression/index.js';
import { ownerId } from './moddle-elements.js';

const WHOLE_EXPRESSION = /^\$\{([\s\S]+)\}$/;
const PLACEHOLDER = /\$\{([^}]+)\}/g;

/**
 * Findings of one expression element: a condition must be exactly one `${ ... }`, and every
 * `${ ... }` must compile in the safe expression language. Expressions with a `language` are
 * refused as code (code-issues.ts).
 */
export function expressionIssues(element: ModdleElement): FieldIssue[] {
  if (!element.$type.endsWith('Expression') || typeof element.body !== 'string') return [];
  if (typeof element.language === 'string' && element.language.trim()) return []; // refused as code already
  const id = ownerId(element);
  const parent = element.$parent as ModdleElement | undefined;
  const isCondition = parent?.conditionExpression === element || parent?.condition === element;
  const body = element.body.trim();
  const whole = WHOLE_EXPRESSION.exec(body)?.[1];
  if (isCondition && (whole === undefined || whole.includes('${'))) {
    return [
      {
        path: id,
        reason: 'condition',
        message: `<${id}>: condition "${body}" must be one expression written as \${ ... }`,
      },
    ];
  }
  const sources =
    isCondition && whole !== undefined
      ? [whole]
      : [...body.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');
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
