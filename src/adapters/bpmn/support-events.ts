import type { ModdleElement } from 'bpmn-moddle';
import type { FieldIssue } from '../../domain/errors.js';
import { list } from './flow-graph.js';

/** Elements that wait for a message or signal to arrive. */
const CATCHING = new Set([
  'bpmn:StartEvent',
  'bpmn:IntermediateCatchEvent',
  'bpmn:BoundaryEvent',
  'bpmn:ReceiveTask',
]);
const MESSAGE = 'bpmn:MessageEventDefinition';
const SIGNAL = 'bpmn:SignalEventDefinition';
/** Starts of an event sub-process that the runner awaits or arms only at the process level. */
const AWAITED_STARTS: Readonly<Record<string, string>> = {
  [MESSAGE]: 'message',
  [SIGNAL]: 'signal',
  'bpmn:TimerEventDefinition': 'timer',
};
/** Boundary events that wait for something thrown inside the activity they are attached to. */
const THROWN_INSIDE: Readonly<Record<string, string>> = {
  'bpmn:ErrorEventDefinition': 'error',
  'bpmn:EscalationEventDefinition': 'escalation',
};

/**
 * Message, signal and call checks of one flow element (issue 16, "no silent hang"; ADR 0018, 0019):
 * - `catch-without-reference`: a receive task without `messageRef`, or a catching message / signal
 *   event without `messageRef` / `signalRef`: nothing can name it, so nothing can deliver to it;
 * - `multi-instance-catch`: a multi-instance receive task: its iterations never reach the
 *   delivery, so the first message answers "not awaited" and the ticket waits forever;
 * - `nested-event-sub-process`: an event sub-process inside a sub-process started by a message,
 *   signal or timer: the runner awaits and arms those starts at the process level only;
 * - `call-boundary-event`: an error or escalation boundary event on a call activity: the called
 *   procedure is its own ticket and neither comes back from it.
 */
export function eventIssues(element: ModdleElement, container: ModdleElement, id: string): FieldIssue[] {
  return [
    ...referenceIssues(element, id),
    ...multiInstanceCatch(element, id),
    ...nestedEventSubProcess(element, container, id),
    ...callBoundary(element, id),
  ];
}

function referenceIssues(element: ModdleElement, id: string): FieldIssue[] {
  if (!CATCHING.has(element.$type)) return [];
  const missing: string[] = [];
  if (element.$type === 'bpmn:ReceiveTask' && !element.messageRef) missing.push('message (messageRef)');
  for (const definition of list(element, 'eventDefinitions')) {
    if (definition.$type === MESSAGE && !definition.messageRef) missing.push('message (messageRef)');
    if (definition.$type === SIGNAL && !definition.signalRef) missing.push('signal (signalRef)');
  }
  return missing.map((what) =>
    issue(
      id,
      'catch-without-reference',
      `<${id}> names no ${what}: nothing can deliver it, so the ticket would wait forever; give it a ${what.split(' ')[0]} with a name`,
    ),
  );
}

function multiInstanceCatch(element: ModdleElement, id: string): FieldIssue[] {
  const loop = element.loopCharacteristics as ModdleElement | undefined;
  if (element.$type !== 'bpmn:ReceiveTask' || loop?.$type !== 'bpmn:MultiInstanceLoopCharacteristics') {
    return [];
  }
  return [
    issue(
      id,
      'multi-instance-catch',
      `receive task <${id}> is multi-instance: a message cannot reach its items, so the ticket would wait forever; put the receive task in a multi-instance sub-process instead`,
    ),
  ];
}

function nestedEventSubProcess(element: ModdleElement, container: ModdleElement, id: string): FieldIssue[] {
  if (element.$type !== 'bpmn:SubProcess' || element.triggeredByEvent !== true) return [];
  if (container.$type === 'bpmn:Process') return [];
  const kinds = new Set(
    list(element, 'flowElements')
      .filter((node) => node.$type === 'bpmn:StartEvent')
      .flatMap((start) => list(start, 'eventDefinitions'))
      .map((definition) => AWAITED_STARTS[definition.$type])
      .filter((kind): kind is string => kind !== undefined),
  );
  return [...kinds].map((kind) =>
    issue(
      id,
      'nested-event-sub-process',
      `event sub-process <${id}> inside sub-process <${String(container.id)}> starts on a ${kind}: such starts are awaited at the process level only, so it would never run; move it to the process level`,
    ),
  );
}

function callBoundary(element: ModdleElement, id: string): FieldIssue[] {
  const attached = element.attachedToRef as ModdleElement | undefined;
  if (element.$type !== 'bpmn:BoundaryEvent' || attached?.$type !== 'bpmn:CallActivity') return [];
  return list(element, 'eventDefinitions').flatMap((definition) => {
    const kind = THROWN_INSIDE[definition.$type];
    if (!kind) return [];
    return [
      issue(
        id,
        'call-boundary-event',
        `${kind} boundary event <${id}> on call activity <${String(attached.id)}> can never fire: the called procedure runs as its own ticket and its ${kind}s do not come back to the caller (a failed called ticket gives the caller an incident); handle the ${kind} inside the called procedure and map a result variable out`,
      ),
    ];
  });
}

function issue(path: string, reason: string, message: string): FieldIssue {
  return { path, reason, message };
}
