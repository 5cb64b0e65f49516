import { createRequire } from 'node:module';
import BpmnModdle, { type ModdleElement } from 'bpmn-moddle';
import type { FieldIssue } from '../../domain/errors.js';
import { toCamundaNamespace, warningIssue } from './moddle-read.js';
import { guardXml } from './xml-guard.js';

const camunda = createRequire(import.meta.url)('camunda-bpmn-moddle/resources/camunda.json') as object;

/**
 * The XML of a dry run (ADR 0031) with every send task's `template` property removed: such a
 * send task completes without an email (ADR 0020), so a throwaway instance never mails anyone,
 * whatever variables the analyst types. Returns the silenced send task ids. The XML guard runs
 * first (size, entities, depth); a file moddle cannot read is returned unchanged, for the deploy
 * to refuse with its usual findings.
 *
 * A diagram moddle reads with warnings is accepted as the deploy accepts it (2026-11-29): the
 * written XML is what the engine would run anyway (it reads the file with the same moddle, so an
 * unresolved reference or unknown element is gone for it too); the original's findings come back
 * in `warnings`, since the rewritten file no longer shows them. Duplicate ids, which the deploy
 * refuses, leave the XML unchanged for the deploy to refuse with its findings.
 */
export async function withoutEmails(
  xml: string,
): Promise<{ xml: string; silenced: string[]; warnings: FieldIssue[] }> {
  guardXml(xml, 'dry-run.bpmn');
  const moddle = new BpmnModdle({ camunda });
  let parsed: Awaited<ReturnType<BpmnModdle['fromXML']>>;
  try {
    parsed = await moddle.fromXML(toCamundaNamespace(xml), 'bpmn:Definitions');
  } catch {
    return { xml, silenced: [], warnings: [] };
  }
  const root = parsed.rootElement;
  const silenced: string[] = [];
  const pending: ModdleElement[] = [root];
  while (pending.length) {
    const element = pending.pop() as ModdleElement;
    if (element.$type === 'bpmn:SendTask' && dropTemplate(element)) silenced.push(String(element.id));
    for (const key of ['rootElements', 'flowElements'] as const) {
      const children = element[key];
      if (Array.isArray(children)) pending.push(...(children as ModdleElement[]));
    }
  }
  if (!silenced.length) return { xml, silenced, warnings: [] };
  const warnings = parsed.warnings.slice(0, 50).map(warningIssue);
  if (warnings.some((warning) => warning.reason === 'duplicate-id'))
    return { xml, silenced: [], warnings: [] };
  const { xml: written } = await moddle.toXML(root, { format: false });
  return { xml: written, silenced: silenced.sort(), warnings };
}

function dropTemplate(task: ModdleElement): boolean {
  let dropped = false;
  const values = (task.extensionElements as ModdleElement | undefined)?.values;
  for (const value of Array.isArray(values) ? (values as ModdleElement[]) : []) {
    if (value.$type !== 'camunda:Properties' || !Array.isArray(value.values)) continue;
    const kept = (value.values as ModdleElement[]).filter((property) => property.name !== 'template');
    if (kept.length !== value.values.length) dropped = true;
    (value as unknown as { values: unknown }).values = kept;
  }
  return dropped;
}
