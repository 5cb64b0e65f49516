import type { ModdleElement } from 'bpmn-moddle';
import { append, list } from './flow-graph.js';

/**
 * The sequence flows and boundary events of one container (a process or a sub-process), looked up
 * by node. Deploy checks ask per element; scanning the container's `flowElements` each time made
 * them quadratic, and an analyst's diagram of 10,000 elements took seconds of the server's thread.
 */
export interface FlowIndex {
  /** Sequence flows leaving `node` (counted from the flows: the XML's `outgoing` may be absent). */
  outgoing(node: ModdleElement): readonly ModdleElement[];
  /** Sequence flows entering `node`. */
  incoming(node: ModdleElement): readonly ModdleElement[];
  /** Boundary events attached to `activity`. */
  boundaries(activity: ModdleElement): readonly ModdleElement[];
}

const built = new WeakMap<ModdleElement, FlowIndex>();

/** The {@link FlowIndex} of `container`, built on first use and kept while the parsed tree lives. */
export function flowIndex(container: ModdleElement): FlowIndex {
  let index = built.get(container);
  if (!index) {
    index = buildIndex(container);
    built.set(container, index);
  }
  return index;
}

function buildIndex(container: ModdleElement): FlowIndex {
  const outgoing = new Map<unknown, ModdleElement[]>();
  const incoming = new Map<unknown, ModdleElement[]>();
  const boundaries = new Map<unknown, ModdleElement[]>();
  for (const element of list(container, 'flowElements')) {
    if (element.$type === 'bpmn:SequenceFlow') {
      add(outgoing, element.sourceRef, element);
      add(incoming, element.targetRef, element);
    } else if (element.$type === 'bpmn:BoundaryEvent') {
      add(boundaries, element.attachedToRef, element);
    }
  }
  return {
    outgoing: (node) => outgoing.get(node) ?? [],
    incoming: (node) => incoming.get(node) ?? [],
    boundaries: (activity) => boundaries.get(activity) ?? [],
  };
}

function add(map: Map<unknown, ModdleElement[]>, key: unknown, element: ModdleElement): void {
  if (key !== undefined && key !== null) append(map, key, element);
}
