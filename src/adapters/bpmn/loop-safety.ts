import type { ModdleElement } from 'bpmn-moddle';
import type { FieldIssue } from '../../domain/errors.js';
import { flowGraph, isLoop, list, stronglyConnected, type FlowGraph } from './flow-graph.js';
import { describeMs, durationMs, isExpression, parseCycle } from './timer-values.js';

/** Tasks that hold a token until a person (or a message) completes them. */
const WAIT_TASKS = new Set(['bpmn:UserTask', 'bpmn:ManualTask', 'bpmn:ReceiveTask']);
const CATCH_EVENTS = new Set(['bpmn:IntermediateCatchEvent', 'bpmn:BoundaryEvent']);
const WAIT_DEFINITIONS = new Set(['bpmn:MessageEventDefinition', 'bpmn:SignalEventDefinition']);
const SUB_PROCESSES = new Set(['bpmn:SubProcess', 'bpmn:Transaction', 'bpmn:AdHocSubProcess']);
/** Most element ids named in one loop message. */
const NAMED_IN_LOOP = 10;

/**
 * Loops that never wait. A loop (strongly connected flow nodes) is refused when a
 * token can go round it without stopping at a wait state: a user/manual/receive task,
 * a message or signal catch event, or a timer that waits at least `minWaitMs` (a
 * literal duration or cycle period; dates are past after the first turn and
 * expressions are unknown). A task whose boundary timer fires sooner does not wait;
 * a sub-process waits when every path through it does. Each such loop is reported
 * once (path = its first element), plus each too-short timer inside it.
 * `containers` lists the process and its sub-processes, parents before children.
 */
export function loopIssues(containers: readonly ModdleElement[], minWaitMs: number): FieldIssue[] {
  const subProcessWaits = new Map<ModdleElement, boolean>();
  const issues: FieldIssue[] = [];
  for (const container of [...containers].reverse()) {
    const graph = flowGraph(container);
    const waits = graph.nodes.map((node) => nodeWaits(node, graph, subProcessWaits, minWaitMs));
    subProcessWaits.set(container, alwaysWaits(graph, waits));
    const restricted = graph.successors.map((targets, node) =>
      waits[node] ? [] : targets.filter((target) => !waits[target]),
    );
    for (const component of stronglyConnected(restricted)) {
      if (!isLoop(component, restricted)) continue;
      issues.push(
        ...describeLoop(
          component.map((i) => graph.nodes[i] as ModdleElement),
          graph,
          minWaitMs,
        ),
      );
    }
  }
  return issues;
}

/** The shortest time a timer event is sure to wait, 0 when unknown (date, expression). */
export function timerWaitMs(node: ModdleElement): number | undefined {
  const value = timerValue(node);
  if (!value) return undefined;
  if (isExpression(value.text) || value.kind === 'timeDate') return 0;
  if (value.kind === 'timeDuration') return durationMs(value.text) ?? 0;
  return parseCycle(value.text)?.periodMs ?? 0;
}

/** The timer definition's kind and literal text, if the node is a timer event. */
export function timerValue(node: ModdleElement): { kind: string; text: string } | undefined {
  const timer = list(node, 'eventDefinitions').find((d) => d.$type === 'bpmn:TimerEventDefinition');
  if (!timer) return undefined;
  for (const kind of ['timeDuration', 'timeCycle', 'timeDate']) {
    const body = (timer[kind] as ModdleElement | undefined)?.body;
    if (typeof body === 'string' && body.trim()) return { kind, text: body.trim() };
  }
  return undefined;
}

function nodeWaits(
  node: ModdleElement,
  graph: FlowGraph,
  subProcessWaits: ReadonlyMap<ModdleElement, boolean>,
  minWaitMs: number,
): boolean {
  if (CATCH_EVENTS.has(node.$type)) {
    const definitions = list(node, 'eventDefinitions');
    if (definitions.some((d) => WAIT_DEFINITIONS.has(d.$type))) return true;
    return (timerWaitMs(node) ?? 0) >= minWaitMs;
  }
  const waits = WAIT_TASKS.has(node.$type) || (SUB_PROCESSES.has(node.$type) && !!subProcessWaits.get(node));
  const boundaryTimers = graph.boundaries.get(node) ?? [];
  return waits && boundaryTimers.every((timer) => (timerWaitMs(timer) ?? minWaitMs) >= minWaitMs);
}

/** True when no path from a start of the container to one of its ends avoids every wait state. */
function alwaysWaits(graph: FlowGraph, waits: readonly boolean[]): boolean {
  const incoming = new Set(graph.successors.flat());
  const starts = graph.nodes.flatMap((node, index) =>
    node.$type === 'bpmn:StartEvent' || (!incoming.has(index) && node.$type !== 'bpmn:BoundaryEvent')
      ? [index]
      : [],
  );
  const seen = new Set<number>();
  const queue = starts.filter((index) => !waits[index]);
  while (queue.length) {
    const node = queue.pop() as number;
    if (seen.has(node)) continue;
    seen.add(node);
    if (graph.outgoingFlows[node] === 0) return false;
    queue.push(...(graph.successors[node] ?? []).filter((next) => !waits[next] && !seen.has(next)));
  }
  return starts.length > 0;
}

function describeLoop(members: readonly ModdleElement[], graph: FlowGraph, minWaitMs: number): FieldIssue[] {
  const ids = members.map((member) => String(member.id));
  const named = ids.slice(0, NAMED_IN_LOOP).map((id) => `<${id}>`);
  const loop = `the loop through ${named.join(', ')}${ids.length > NAMED_IN_LOOP ? ` and ${ids.length - NAMED_IN_LOOP} more` : ''}`;
  const minimum = describeMs(minWaitMs);
  const first = ids[0] ?? 'process';
  const issues: FieldIssue[] = [
    {
      path: first,
      reason: 'loop-without-wait',
      message: `${loop} never waits for a person, a message or a timer of at least ${minimum}, so an instance would go round it without end; add a user task or a timer of at least ${minimum} to it`,
    },
  ];
  const attached = members.flatMap((member) => graph.boundaries.get(member) ?? []);
  const timers = [...new Set([...members, ...attached])].filter(
    (node) => (timerWaitMs(node) ?? minWaitMs) < minWaitMs,
  );
  for (const timer of timers) {
    const value = timerValue(timer);
    if (!value) continue;
    const id = String(timer.id);
    issues.push({
      path: id,
      reason: 'timer-in-loop',
      message: `timer <${id}> waits "${value.text}" inside ${loop}; a timer in a loop must be a duration or cycle period of at least ${minimum}`,
    });
  }
  return issues;
}
