import type { ModdleElement } from 'bpmn-moddle';
import type { LaneSpec } from '../../domain/procedure.js';
import { list } from './flow-graph.js';

/** A flow node with the lane it is in (its own, else its sub-process's) and whether it is in a sub-process. */
export interface Placed {
  readonly node: ModdleElement;
  readonly laneId: string | undefined;
  readonly nested: boolean;
}

/** A `bpmn:lane` with the ids of the flow nodes it references. */
interface LaneNodes {
  readonly lane: ModdleElement;
  readonly nodeIds: string[];
}

/** The lanes of a process (document order) and its flow nodes, sub-process content included, placed in lanes. */
export function placedNodes(process: ModdleElement): { lanes: LaneNodes[]; nodes: Placed[] } {
  const lanes = collectLanes(process);
  const laneOf = new Map(
    lanes.flatMap(({ lane, nodeIds }) => nodeIds.map((nodeId) => [nodeId, String(lane.id)] as const)),
  );
  return { lanes, nodes: flowNodes(process, laneOf) };
}

/** The catalog entries of the lanes: id and name (the id when unnamed). */
export function laneSpecs(lanes: readonly LaneNodes[]): LaneSpec[] {
  return lanes.map(({ lane }) => ({ id: String(lane.id), name: String(lane.name ?? lane.id) }));
}

/** Flow nodes of the process and of its sub-processes (which lend their lane to their content). */
function flowNodes(
  container: ModdleElement,
  laneOf: ReadonlyMap<string, string>,
  inherited?: string,
  nested = false,
): Placed[] {
  return list(container, 'flowElements').flatMap((node) => {
    const laneId = laneOf.get(String(node.id)) ?? inherited;
    const inner = node.flowElements ? flowNodes(node, laneOf, laneId, true) : [];
    return [{ node, laneId, nested }, ...inner];
  });
}

/** Every lane in document order (parents before their child lanes) with the ids of its nodes. */
function collectLanes(process: ModdleElement): LaneNodes[] {
  const visit = (laneSets: ModdleElement[]): LaneNodes[] =>
    laneSets.flatMap((set) =>
      list(set, 'lanes').flatMap((lane) => [
        { lane, nodeIds: list(lane, 'flowNodeRef').map((node) => String(node.id)) },
        ...visit(lane.childLaneSet ? [lane.childLaneSet as ModdleElement] : []),
      ]),
    );
  return visit(list(process, 'laneSets'));
}
