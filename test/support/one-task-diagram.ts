/** What varies between the one-task procedures the migration tests deploy as versions. */
export interface OneTaskDiagram {
  readonly processId: string;
  /** The `bpmn:definitions` id. */
  readonly definitionsId: string;
  readonly ticketPrefix: string;
  /** The user task's id (what a migration maps from and to). */
  readonly task: string;
  /** The task's name (default: its id). */
  readonly taskName?: string;
  /** The process name, if any. */
  readonly processName?: string;
  /** Further elements inside the process (e.g. a boundary timer on the task). */
  readonly extra?: string;
}

/** A procedure of one user task offered to `l1`: start → task → end. */
export function oneTaskDiagram(d: OneTaskDiagram): string {
  const name = d.processName ? ` name="${d.processName}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="${d.definitionsId}" targetNamespace="http://helpdesk.example/migration">
  <bpmn:process id="${d.processId}"${name} isExecutable="true">
    <bpmn:extensionElements><camunda:properties><camunda:property name="ticketPrefix" value="${d.ticketPrefix}" /></camunda:properties></bpmn:extensionElements>
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="${d.task}" name="${d.taskName ?? d.task}" camunda:candidateGroups="l1" />
    ${d.extra ?? ''}
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="${d.task}" />
    <bpmn:sequenceFlow id="f2" sourceRef="${d.task}" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;
}
