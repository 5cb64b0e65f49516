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
    return await moddle.fromXML(toCamundaNamespace(xml), 'bpmn:Definitions');
  } catch (error) {
    const { where, summary } = describe(error instanceof Error ? error.message : String(error));
    const message = `not valid BPMN XML: ${summary}`;
    throw new AppError('PROCEDURE_INVALID', `${fileName}:${where ?? '1:1'}: ${message}`, [
      { path: where ?? '1:1', reason: 'xml', message },
    ]);
  }
}

/** The namespace of Camunda's extension attributes before Camunda 7.4 (inherited from Activiti). */
export const LEGACY_CAMUNDA_NAMESPACE = 'http://activiti.org/bpmn';
const CAMUNDA_NAMESPACE = 'http://camunda.org/schema/1.0/bpmn';
/** `xmlns:<prefix>="http://activiti.org/bpmn"` declarations (attribute names are short; bounded). */
const LEGACY_DECLARATION = /(\sxmlns:[A-Za-z_][\w.-]{0,63}\s*=\s*)(["'])http:\/\/activiti\.org\/bpmn\2/g;

/**
 * The XML with the legacy Camunda namespace (`xmlns:camunda="http://activiti.org/bpmn"`, still in
 * older Camunda examples and Modeler files) declared as Camunda's, as Camunda 7 and Camunda Modeler
 * read it; otherwise moddle would drop every `camunda:` attribute and extension silently (formData,
 * assignee, candidate groups). Only namespace declarations change; a `targetNamespace` stays.
 */
export function toCamundaNamespace(xml: string): string {
  if (!xml.includes(LEGACY_CAMUNDA_NAMESPACE)) return xml;
  return xml.replace(
    LEGACY_DECLARATION,
    (_all, head: string, quote: string) => `${head}${quote}${CAMUNDA_NAMESPACE}${quote}`,
  );
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
