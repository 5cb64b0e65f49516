import type { ModdleElement } from 'bpmn-moddle';

/** Flow elements that are not nodes a token can be on. */
const NOT_NODES = new Set([
  'bpmn:SequenceFlow',
  'bpmn:DataObject',
  'bpmn:DataObjectReference',
  'bpmn:DataStoreReference',
]);

/**
 * The flow nodes of one container (a process or a sub-process) and the ways a token
 * moves between them: sequence flows, an activity to its boundary events (the event
 * fires while the activity runs), and link throw events to the link catch events of
 * the same name. Content of nested sub-processes is a separate graph.
 */
export interface FlowGraph {
  readonly nodes: readonly ModdleElement[];
  /** successors[i] = indexes of the nodes a token can reach from nodes[i] in one move. */
  readonly successors: readonly (readonly number[])[];
  /** Outgoing sequence flows per node (counted from the flows, so `outgoing` may be absent). */
  readonly outgoingFlows: readonly number[];
  /** The boundary events attached to each activity. */
  readonly boundaries: ReadonlyMap<unknown, readonly ModdleElement[]>;
}

/** Builds the {@link FlowGraph} of `container`'s `flowElements`. */
export function flowGraph(container: ModdleElement): FlowGraph {
  const elements = list(container, 'flowElements');
  const nodes = elements.filter((element) => !NOT_NODES.has(element.$type));
  const indexOf = new Map<unknown, number>(nodes.map((node, index) => [node, index]));
  const successors: number[][] = nodes.map(() => []);
  const outgoingFlows = nodes.map(() => 0);
  const connect = (from: unknown, to: unknown) => {
    const source = indexOf.get(from);
    const target = indexOf.get(to);
    if (source !== undefined && target !== undefined) successors[source]?.push(target);
    return source;
  };
  for (const element of elements) {
    if (element.$type !== 'bpmn:SequenceFlow') continue;
    const source = connect(element.sourceRef, element.targetRef);
    if (source !== undefined) outgoingFlows[source] = (outgoingFlows[source] ?? 0) + 1;
  }
  const catches = new Map<string, ModdleElement[]>();
  const boundaries = new Map<unknown, ModdleElement[]>();
  for (const node of nodes) {
    if (node.$type === 'bpmn:BoundaryEvent') {
      connect(node.attachedToRef, node);
      append(boundaries, node.attachedToRef, node);
    }
    const link = linkName(node, 'bpmn:IntermediateCatchEvent');
    if (link !== undefined) append(catches, link, node);
  }
  for (const node of nodes) {
    const link = linkName(node, 'bpmn:IntermediateThrowEvent');
    for (const target of link === undefined ? [] : (catches.get(link) ?? [])) connect(node, target);
  }
  return { nodes, successors, outgoingFlows, boundaries };
}

/**
 * Strongly connected components (Tarjan), iterative so that no diagram can exhaust
 * the call stack. Each component lists node indexes; singletons are included.
 */
export function stronglyConnected(successors: readonly (readonly number[])[]): number[][] {
  const count = successors.length;
  const index: number[] = new Array<number>(count).fill(-1);
  const low: number[] = new Array<number>(count).fill(0);
  const onStack: boolean[] = new Array<boolean>(count).fill(false);
  const stack: number[] = [];
  const components: number[][] = [];
  let next = 0;
  const open = (node: number, frames: [number, number][]) => {
    index[node] = low[node] = next++;
    stack.push(node);
    onStack[node] = true;
    frames.push([node, 0]);
  };
  for (let root = 0; root < count; root++) {
    if (index[root] !== -1) continue;
    const frames: [number, number][] = [];
    open(root, frames);
    while (frames.length) {
      const frame = frames[frames.length - 1] as [number, number];
      const [node, edge] = frame;
      const targets = successors[node] ?? [];
      if (edge < targets.length) {
        frame[1] = edge + 1;
        const target = targets[edge] as number;
        if (index[target] === -1) open(target, frames);
        else if (onStack[target]) low[node] = Math.min(low[node] ?? 0, index[target] ?? 0);
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1]?.[0];
      if (parent !== undefined) low[parent] = Math.min(low[parent] ?? 0, low[node] ?? 0);
      if (low[node] === index[node]) components.push(popComponent(stack, onStack, node));
    }
  }
  return components;
}

/** True when the component is a loop: several nodes, or one node with a flow to itself. */
export function isLoop(component: readonly number[], successors: readonly (readonly number[])[]): boolean {
  const [only] = component;
  return component.length > 1 || (only !== undefined && (successors[only] ?? []).includes(only));
}

function popComponent(stack: number[], onStack: boolean[], root: number): number[] {
  const component: number[] = [];
  for (;;) {
    const node = stack.pop() as number;
    onStack[node] = false;
    component.push(node);
    if (node === root) return component.sort((a, b) => a - b);
  }
}

/** The process and every sub-process in it, parents before children (iterative). */
export function containersOf(process: ModdleElement): ModdleElement[] {
  const containers: ModdleElement[] = [process];
  for (const container of containers) {
    for (const element of list(container, 'flowElements')) {
      if (Array.isArray(element.flowElements)) containers.push(element);
    }
  }
  return containers;
}

/** Adds `node` to the list kept under `key`. */
export function append<K>(map: Map<K, ModdleElement[]>, key: K, node: ModdleElement): void {
  const listed = map.get(key);
  if (listed) listed.push(node);
  else map.set(key, [node]);
}

function linkName(node: ModdleElement, type: string): string | undefined {
  if (node.$type !== type) return undefined;
  const link = list(node, 'eventDefinitions').find((d) => d.$type === 'bpmn:LinkEventDefinition');
  return typeof link?.name === 'string' ? link.name : undefined;
}

/** A list-valued moddle property, or []. */
export function list(element: unknown, property: string): ModdleElement[] {
  const value = (element as Record<string, unknown> | undefined)?.[property];
  return Array.isArray(value) ? (value as ModdleElement[]) : [];
}
