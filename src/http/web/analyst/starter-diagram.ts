import { AppError } from '../../../domain/errors.js';

/** Procedure ids are kebab-case, as the definitions service requires. */
export const PROCEDURE_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** BAD_REQUEST unless the id is a valid procedure id (it is written into XML and URLs). */
export function checkProcedureId(procedureId: string): void {
  if (!PROCEDURE_ID.test(procedureId)) {
    throw new AppError('BAD_REQUEST', `procedure id <${procedureId}> must be kebab-case (a-z, 0-9, -)`);
  }
}

/**
 * The diagram a new procedure starts from: one executable process (id = procedure
 * id) with a start event, a user task and an end event, laid out so bpmn-js can
 * draw it and the deploy checks accept it as it is.
 */
export function starterDiagram(procedureId: string, language: string): string {
  checkProcedureId(procedureId);
  const prefix = ticketPrefixFor(procedureId);
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="definitions-${procedureId}" targetNamespace="http://helpdesk-procedure-runner/procedures/${procedureId}">
  <bpmn:process id="${procedureId}" name="${procedureId}" isExecutable="true">
    <bpmn:extensionElements>
      <camunda:properties>
        <camunda:property name="ticketPrefix" value="${prefix}" />
        <camunda:property name="language" value="${language}" />
      </camunda:properties>
    </bpmn:extensionElements>
    <bpmn:startEvent id="start" name="Start">
      <bpmn:outgoing>flow-start-task</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:userTask id="task-attend" name="Attend">
      <bpmn:incoming>flow-start-task</bpmn:incoming>
      <bpmn:outgoing>flow-task-end</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end" name="End">
      <bpmn:incoming>flow-task-end</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="flow-start-task" sourceRef="start" targetRef="task-attend" />
    <bpmn:sequenceFlow id="flow-task-end" sourceRef="task-attend" targetRef="end" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram-${procedureId}">
    <bpmndi:BPMNPlane id="plane-${procedureId}" bpmnElement="${procedureId}">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start">
        <dc:Bounds x="152" y="102" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="task-attend_di" bpmnElement="task-attend">
        <dc:Bounds x="240" y="80" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end_di" bpmnElement="end">
        <dc:Bounds x="392" y="102" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="flow-start-task_di" bpmnElement="flow-start-task">
        <di:waypoint x="188" y="120" />
        <di:waypoint x="240" y="120" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="flow-task-end_di" bpmnElement="flow-task-end">
        <di:waypoint x="340" y="120" />
        <di:waypoint x="392" y="120" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}

/** Two to eight capital letters from the procedure id (`cita-report` → `CITARE`). */
function ticketPrefixFor(procedureId: string): string {
  const letters = procedureId
    .replace(/[^a-z]/g, '')
    .toUpperCase()
    .slice(0, 6);
  return letters.length >= 2 ? letters : 'NEW';
}
