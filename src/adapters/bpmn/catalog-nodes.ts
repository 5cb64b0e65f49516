import type { CallActivitySpec } from '../../domain/call.js';
import type { FieldIssue } from '../../domain/errors.js';
import type { SendTaskSpec, TimerSpec, UserTaskSpec } from '../../domain/procedure.js';
import { callActivitySpec } from './call-activity-spec.js';
import { generatedFormOf } from './catalog-forms.js';
import type { Placed } from './catalog-lanes.js';
import { sendTaskSpec } from './send-task-spec.js';
import { timerSpec } from './timer-spec.js';
import { userTaskSpec } from './user-task-spec.js';
import { issue } from './support.js';

/** The flow nodes a catalog lists, by element id, and the forms generated for user tasks. */
export interface CatalogedNodes {
  readonly userTasks: Record<string, UserTaskSpec>;
  readonly sendTasks: Record<string, SendTaskSpec>;
  readonly timers: Record<string, TimerSpec>;
  readonly callActivities: Record<string, CallActivitySpec>;
  /** Form key → form-js JSON of forms generated from `camunda:formData`. */
  readonly generatedForms: Record<string, string>;
}

/**
 * Catalogs user tasks, send tasks with a template, call activities and timer events, in document
 * order; violations go to `issues`. Their ids become object keys, so they may not contain `.`.
 */
export function catalogNodes(
  nodes: readonly Placed[],
  procedureId: string,
  issues: FieldIssue[],
): CatalogedNodes {
  const found: CatalogedNodes = {
    userTasks: {},
    sendTasks: {},
    timers: {},
    callActivities: {},
    generatedForms: {},
  };
  for (const { node, laneId } of nodes) {
    const id = String(node.id);
    const catalogued = (target: Record<string, unknown>, value: unknown) => {
      if (id.includes('.')) issues.push(issue(id, 'id', `element id <${id}> must not contain "."`));
      target[id] = value;
    };
    if (node.$type === 'bpmn:UserTask') {
      const generated = generatedFormOf(node, procedureId, issues);
      if (generated) found.generatedForms[generated.formKey] = generated.json;
      catalogued(found.userTasks, userTaskSpec(node, laneId, issues, generated?.formKey));
    }
    const send = node.$type === 'bpmn:SendTask' ? sendTaskSpec(node, issues) : undefined;
    if (send) catalogued(found.sendTasks, send);
    if (node.$type === 'bpmn:CallActivity') catalogued(found.callActivities, callActivitySpec(node, issues));
    const timer = timerSpec(node, issues);
    if (timer) catalogued(found.timers, timer);
  }
  return found;
}
