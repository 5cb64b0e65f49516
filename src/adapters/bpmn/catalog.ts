import type { ModdleElement } from 'bpmn-moddle';
import { AppError } from '../../domain/errors.js';
import type { ProcedureCatalog, SendTaskSpec, UserTaskSpec } from '../../domain/procedure.js';
import { camundaProperties } from './walk.js';

/**
 * What the runtime reads from a procedure beyond what the engine runs. Conventions:
 * one executable process; `camunda:formKey` names `forms/<key>.form`; candidate
 * groups come from `camunda:candidateGroups`, else the id of the task's lane;
 * process properties `ticketPrefix` (2-8 capitals) and `language`; send tasks name
 * their message with a `template` property.
 */
export function buildCatalog(root: ModdleElement, procedureId: string, fileName: string): ProcedureCatalog {
  const processes = ((root.rootElements as ModdleElement[] | undefined) ?? []).filter((e) => e.$type === 'bpmn:Process');
  const executable = processes.filter((p) => p.isExecutable === true);
  if (executable.length !== 1) {
    throw new AppError('PROCEDURE_INVALID', `${fileName}: expected exactly one executable process, found ${executable.length}`);
  }
  const process = executable[0] as ModdleElement;
  const properties = camundaProperties(process);
  const ticketPrefix = properties.ticketPrefix ?? procedureId.replace(/[^a-z]/g, '').slice(0, 3).toUpperCase();
  if (!/^[A-Z]{2,8}$/.test(ticketPrefix)) {
    throw new AppError('PROCEDURE_INVALID', `${fileName}: ticketPrefix "${ticketPrefix}" must be 2 to 8 capital letters`);
  }
  const nodes = (process.flowElements as ModdleElement[] | undefined) ?? [];
  const lanes = laneOfNode(process);
  const startFormKey = nodes.find((node) => node.$type === 'bpmn:StartEvent' && typeof node.formKey === 'string')?.formKey;
  return {
    procedureId,
    processId: String(process.id),
    name: String(process.name ?? procedureId),
    ticketPrefix,
    language: properties.language ?? 'en',
    ...(typeof startFormKey === 'string' ? { startFormKey } : {}),
    userTasks: Object.fromEntries(nodes.filter((n) => n.$type === 'bpmn:UserTask').map((n) => [n.id, userTask(n, lanes)])),
    sendTasks: Object.fromEntries(nodes.filter((n) => n.$type === 'bpmn:SendTask').map((n) => [n.id, sendTask(n)])),
  };
}

function userTask(node: ModdleElement, lanes: Map<string, string>): UserTaskSpec {
  const laneId = lanes.get(String(node.id));
  const groups = typeof node.candidateGroups === 'string' ? splitList(node.candidateGroups) : laneId ? [laneId] : [];
  return {
    id: String(node.id),
    name: String(node.name ?? node.id),
    candidateGroups: groups,
    ...(laneId ? { laneId } : {}),
    ...(typeof node.formKey === 'string' ? { formKey: node.formKey } : {}),
    ...(typeof node.assignee === 'string' ? { assignee: node.assignee } : {}),
  };
}

function sendTask(node: ModdleElement): SendTaskSpec {
  const properties = camundaProperties(node);
  return {
    id: String(node.id),
    name: String(node.name ?? node.id),
    ...(properties.template ? { template: properties.template } : {}),
    ...(properties.to ? { to: properties.to } : {}),
  };
}

function laneOfNode(process: ModdleElement): Map<string, string> {
  const result = new Map<string, string>();
  const visitLanes = (laneSets: unknown) => {
    for (const laneSet of (laneSets as ModdleElement[] | undefined) ?? []) {
      for (const lane of (laneSet.lanes as ModdleElement[] | undefined) ?? []) {
        for (const node of (lane.flowNodeRef as ModdleElement[] | undefined) ?? []) result.set(String(node.id), String(lane.id));
        visitLanes(lane.childLaneSet ? [lane.childLaneSet] : []);
      }
    }
  };
  visitLanes(process.laneSets);
  return result;
}

function splitList(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter(Boolean);
}
