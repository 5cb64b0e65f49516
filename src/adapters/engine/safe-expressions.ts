import { resolveTemplate } from '../../domain/expression/index.js';

interface ExpressionContext {
  readonly environment?: { readonly variables?: Record<string, unknown>; readonly output?: unknown };
  readonly content?: unknown;
  readonly properties?: unknown;
}

/**
 * Replaces bpmn-elements' expression resolver with the safe expression language:
 * variables are visible by bare name and as `environment.variables.x`; no function
 * of the host (services, environment methods) is reachable.
 */
export function safeExpressions() {
  return {
    resolveExpression(text: unknown, context: ExpressionContext): unknown {
      // bpmn-elements also passes values that are not text (a standard loop's numeric loopMaximum).
      if (typeof text !== 'string') return text;
      const variables = context.environment?.variables ?? {};
      const scope: Record<string, unknown> = {
        ...variables,
        environment: { variables, output: context.environment?.output },
        content: context.content,
        properties: context.properties,
      };
      return resolveTemplate(text, scope);
    },
    isExpression(text: unknown): boolean {
      return typeof text === 'string' && /^\$\{.+\}$/s.test(text.trim());
    },
    hasExpression(text: unknown): boolean {
      return typeof text === 'string' && text.includes('${');
    },
  };
}
