import type { ModdleElement } from 'bpmn-moddle';
import type { FieldIssue } from '../../domain/errors.js';
import type { MessageStart, WaitSpec } from '../../domain/procedure.js';
import { list } from './flow-graph.js';

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
  const starts = list(process, 'flowElements').filter((node) => node.$type === 'bpmn:StartEvent');
  const messageStarts: MessageStart[] = [];
  let plainStart = false;
  for (const start of starts) {
    const definitions = list(start, 'eventDefinitions');
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

/**
 * Receive tasks and message/signal intermediate catch events of the process and its
 * sub-processes (ADR 0031): the waits an SLA policy may pause on. Catches without a reference
 * are refused at deploy (`catch-without-reference`, support-events.ts) and left out here.
 */
export function waitsOf(nodes: readonly ModdleElement[]): { waits?: Record<string, WaitSpec> } {
  const waits: Record<string, WaitSpec> = {};
  for (const node of nodes) {
    const found = awaitedBy(node);
    if (!found) continue;
    const id = String(node.id);
    const name = typeof node.name === 'string' && node.name.trim() ? node.name.trim() : id;
    waits[id] = { id, name, ...found };
  }
  return Object.keys(waits).length ? { waits } : {};
}

function awaitedBy(node: ModdleElement): Pick<WaitSpec, 'kind' | 'eventName'> | undefined {
  if (node.$type === 'bpmn:ReceiveTask') return refOf('message', node.messageRef);
  if (node.$type !== 'bpmn:IntermediateCatchEvent') return undefined;
  for (const definition of list(node, 'eventDefinitions')) {
    if (definition.$type === 'bpmn:MessageEventDefinition') return refOf('message', definition.messageRef);
    if (definition.$type === 'bpmn:SignalEventDefinition') return refOf('signal', definition.signalRef);
  }
  return undefined;
}

function refOf(kind: WaitSpec['kind'], ref: unknown): Pick<WaitSpec, 'kind' | 'eventName'> | undefined {
  const element = ref as ModdleElement | undefined;
  if (!element || typeof element.id !== 'string') return undefined;
  const eventName = typeof element.name === 'string' && element.name ? element.name : element.id;
  return { kind, eventName };
}
