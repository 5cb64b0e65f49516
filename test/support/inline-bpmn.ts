/** A minimal executable process `proc` around `body` (camunda and xsi namespaces declared), for deploy-gate tests. */
export function inlineBpmn(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="x">
  <bpmn:process id="proc" name="Inline" isExecutable="true">
    ${body}
  </bpmn:process>
</bpmn:definitions>`;
}

/** A sequence flow `f-<from>-<to>`. */
export const sequenceFlow = (from: string, to: string) =>
  `<bpmn:sequenceFlow id="f-${from}-${to}" sourceRef="${from}" targetRef="${to}" />`;
