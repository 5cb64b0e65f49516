import { createRequire } from 'node:module';
import BpmnModdle, { type ModdleWarning, type ParseResult } from 'bpmn-moddle';
import { AppError, type FieldIssue } from '../../domain/errors.js';

const camunda = createRequire(import.meta.url)('camunda-bpmn-moddle/resources/camunda.json') as object;
const moddle = new BpmnModdle({ camunda });

/**
 * Reads BPMN XML with bpmn-moddle and the camunda extension. A parse error becomes
 * `PROCEDURE_INVALID` naming the file and the 1-based `line:column` (`1:1` when moddle gives none).
 */
export async function readModdle(xml: string, fileName: string): Promise<ParseResult> {
  try {
    return await moddle.fromXML(xml, 'bpmn:Definitions');
  } catch (error) {
    const { where, summary } = describe(error instanceof Error ? error.message : String(error));
    const message = `not valid BPMN XML: ${summary}`;
    throw new AppError('PROCEDURE_INVALID', `${fileName}:${where ?? '1:1'}: ${message}`, [
      { path: where ?? '1:1', reason: 'xml', message },
    ]);
  }
}

/**
 * A moddle warning as a finding naming the element (else `line:column`), with reason
 * `duplicate-id`, `unresolved-reference`, `unknown-element`, `unknown-attribute` or
 * `unparsable-content`.
 */
export function warningIssue(warning: ModdleWarning): FieldIssue {
  const { where, summary } = describe(warning.message, warning.error);
  const id = warning.element?.id;
  const nested = warning.error?.message ?? warning.message;
  const reason = /^duplicate ID/.test(nested)
    ? 'duplicate-id'
    : /^unresolved reference/.test(nested)
      ? 'unresolved-reference'
      : /^unknown type/.test(nested)
        ? 'unknown-element'
        : /^unknown attribute/.test(nested)
          ? 'unknown-attribute'
          : 'unparsable-content';
  const property = warning.property ? ` (${warning.property})` : '';
  if (id) return { path: id, reason, message: `<${id}> ${summary}${property}` };
  return { path: where ?? 'definitions', reason, message: `${where ?? 'definitions'}: ${summary}` };
}

/** Splits moddle's multi-line messages into a 1-based `line:column` and a one-line summary. */
function describe(text: string, nested?: Error): { where?: string; summary: string } {
  const at = /line: (\d+)\s+column: (\d+)/.exec(text);
  const head = (text.split('\n')[0] ?? text).replace(/\s*detected$/, '').trim();
  const cause = nested?.message ?? /nested error: (.*)/.exec(text)?.[1];
  const summary = cause && cause !== head ? `${head}: ${cause}` : head;
  return at ? { where: `${Number(at[1]) + 1}:${Number(at[2]) + 1}`, summary } : { summary };
}
