/** The parts of a bpmn-elements activity the upstream walk reads. */
export interface UpstreamNode {
  readonly id: string;
  readonly type: string;
  /** Set while the activity runs (entered, executing, leaving), unset when idle. */
  readonly status?: unknown;
  readonly inbound: readonly { readonly sourceId: string }[];
  /** The activity a boundary event is attached to (a token there can trigger the event). */
  readonly attachedTo?: { readonly id: string } | null;
  readonly broker?: {
    getQueue(
      name: string,
    ): { readonly messages: readonly { readonly fields: { routingKey: string } }[] } | undefined;
  };
}

export type NodeLookup = (id: string) => UpstreamNode | null | undefined;

/** Ids of the elements that hand a token to this one without a sequence flow (link throw events). */
export type Jumps = (node: UpstreamNode) => readonly string[];

/** Safety bound of the walk; a diagram has far fewer elements (the deploy limits its size). */
const MAX_NODES = 20_000;

/**
 * Ids of the activities from which a token can reach `startId` (itself included)
 * without passing through `stopId`: the walk follows inbound sequence flows and
 * boundary events back to the activity they are attached to, and link catch events back to
 * their throw events (`jumps`). Sequence flows never
 * leave their (sub-)process, so the walk stays in one scope.
 */
export function upstreamOf(
  startId: string,
  stopId: string,
  lookup: NodeLookup,
  jumps: Jumps = () => [],
): string[] {
  const seen = new Set<string>();
  const queue = [startId];
  while (queue.length > 0 && seen.size < MAX_NODES) {
    const id = queue.pop() as string;
    if (id === stopId || seen.has(id)) continue;
    seen.add(id);
    const node = lookup(id);
    if (!node) continue;
    for (const flow of node.inbound) queue.push(flow.sourceId);
    if (node.attachedTo) queue.push(node.attachedTo.id);
    queue.push(...jumps(node));
  }
  return [...seen];
}

/**
 * Whether any of the activities may still send a token downstream: it runs (waits, executes,
 * or is leaving), or it is about to run for a token queued while it was busy (a loop coming
 * back to a task that is leaving). A waiting parallel join holding tokens does not count: it
 * only goes on once its own upstream (part of this walk) delivers.
 */
export function anyLive(ids: readonly string[], lookup: NodeLookup): boolean {
  return ids.some((id) => {
    const node = lookup(id);
    if (!node) return false;
    if (node.status) return true;
    if (node.type === 'bpmn:ParallelGateway' && node.inbound.length > 1) return false;
    const queued = node.broker?.getQueue('inbound-q')?.messages ?? [];
    return queued.some((message) => !DISCARDS.has(message.fields.routingKey));
  });
}

const DISCARDS = new Set(['flow.discard', 'activity.discard']);

/** The parts of an activity that tell a link event apart. */
export interface LinkNode {
  readonly id: string;
  readonly isThrowing?: boolean;
  readonly eventDefinitions?: readonly {
    readonly reference?: { readonly referenceType?: string; readonly linkName?: string };
  }[];
}

/**
 * Jumps from each link catch event back to the throw events of the same link name among
 * `scope()` (the activities of the join's process or sub-process), read once on first use.
 */
export function linkJumps(scope: () => readonly LinkNode[]): Jumps {
  let throwers: Map<string, string[]> | undefined;
  return (node) => {
    const names = linkNames(node as LinkNode);
    if (names.length === 0 || (node as LinkNode).isThrowing) return [];
    throwers ??= indexThrowers(scope());
    return names.flatMap((name) => throwers?.get(name) ?? []);
  };
}

function indexThrowers(nodes: readonly LinkNode[]): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const node of nodes) {
    if (!node.isThrowing) continue;
    for (const name of linkNames(node)) index.set(name, [...(index.get(name) ?? []), node.id]);
  }
  return index;
}

function linkNames(node: LinkNode): string[] {
  return (node.eventDefinitions ?? []).flatMap(({ reference }) =>
    reference?.referenceType === 'link' && reference.linkName ? [reference.linkName] : [],
  );
}
