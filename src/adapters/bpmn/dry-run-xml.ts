import { createRequire } from 'node:module';
import BpmnModdle, { type ModdleElement } from 'bpmn-moddle';
import { AppError } from '../../domain/errors.js';
import { guardXml } from './xml-guard.js';

const camunda = createRequire(import.meta.url)('camunda-bpmn-moddle/resources/camunda.json') as object;

/**
 * The XML of a dry run (ADR 0031) with every send task's `template` property removed: such a
 * send task completes without an email (ADR 0020), so a throwaway instance never mails anyone,
 * whatever variables the analyst types. Returns the silenced send task ids. The XML guard runs
 * first (size, entities, depth); a file moddle cannot read is returned unchanged, for the deploy
 * to refuse with its usual findings.
 */
export async function withoutEmails(xml: string): Promise<{ xml: string; silenced: string[] }> {
  guardXml(xml, 'dry-run.bpmn');
  const moddle = new BpmnModdle({ camunda });
  let parsed: Awaited<ReturnType<BpmnModdle['fromXML']>>;
  try {
    parsed = await moddle.fromXML(xml, 'bpmn:Definitions');
  } catch {
    return { xml, silenced: [] };
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
  if (!silenced.length) return { xml, silenced };
  // Writing the XML back would silently drop what moddle could not read (an unresolved
  // reference): refuse instead, naming each problem, so the dry run runs what was drawn.
  if (parsed.warnings.length) {
    const details = parsed.warnings.slice(0, 50).map((warning) => ({
      path: warning.element?.id ?? 'definitions',
      reason: 'xml-warning',
      message: `${warning.element?.id ? `<${warning.element.id}> ` : ''}${(warning.message.split('\n')[0] ?? '').slice(0, 300)}`,
    }));
    throw new AppError(
      'PROCEDURE_INVALID',
      `dry-run.bpmn: fix these before a dry run: ${details.map((d) => d.message).join('; ')}`,
      details,
    );
  }
  const { xml: written } = await moddle.toXML(root, { format: false });
  return { xml: written, silenced: silenced.sort() };
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
