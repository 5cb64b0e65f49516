import type { ModdleElement } from 'bpmn-moddle';
import type { FieldIssue } from '../../domain/errors.js';
import type { MessageStart } from '../../domain/procedure.js';

/** Longest message or signal name a procedure may use (deliveries are bounded the same way). */
export const MAX_EVENT_NAME = 200;

/**
 * The message start events of the process itself (ADR 0018): message name (its id when it has
 * none) and start event id, and whether a plain start event exists beside them. Two message
 * starts naming one message, and over-long names, are violations naming the start event.
 */
export function messageStartsOf(
  process: ModdleElement,
  issues: FieldIssue[],
): { messageStarts?: MessageStart[]; plainStart?: boolean } {
  const starts = list(process.flowElements).filter((node) => node.$type === 'bpmn:StartEvent');
  const messageStarts: MessageStart[] = [];
  let plainStart = false;
  for (const start of starts) {
    const definitions = list(start.eventDefinitions);
    if (!definitions.length) plainStart = true;
    const message = definitions.find((d) => d.$type === 'bpmn:MessageEventDefinition')?.messageRef as
      | ModdleElement
      | undefined;
    if (!message) continue;
    const id = String(start.id);
    const name = typeof message.name === 'string' && message.name ? message.name : String(message.id);
    if (name.length > MAX_EVENT_NAME) {
      issues.push({
        path: id,
        reason: 'message',
        message: `start event <${id}>: message name is over ${MAX_EVENT_NAME} characters`,
      });
    } else if (messageStarts.some((known) => known.name === name)) {
      issues.push({
        path: id,
        reason: 'message',
        message: `start event <${id}>: message "${name}" starts another start event too`,
      });
    } else messageStarts.push({ name, startEventId: id });
  }
  if (!messageStarts.length) return {};
  return { messageStarts, plainStart };
}

function list(value: unknown): ModdleElement[] {
  return Array.isArray(value) ? (value as ModdleElement[]) : [];
}
