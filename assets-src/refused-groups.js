/*
 * Hides the Camunda 7 panel groups whose settings this runner refuses at deploy or never
 * applies (docs/adr/0028, 2026-11-29), so the panel does not lead analysts into refusals:
 * Java/expression implementations, field injections, external tasks and their errors,
 * scripts, listeners, connectors (code does not run on the server, code-issues.ts); async
 * continuations, job execution, history cleanup, tasklist and starter settings, initiator
 * and business key (no effect here); and the user task `priority` (the ticket priority comes
 * from the process's `priorityVariable`). Kept: assignment, forms and formData, conditions,
 * timers, inputs/outputs (data-only), call activity mappings, extension properties.
 * A diagram that already carries a hidden setting still gets the server's finding on save.
 */
import { getBusinessObject } from 'bpmn-js/lib/util/ModelUtil';

/** After every other provider (lowest priority runs last). */
const PRIORITY = 1;

export const HIDDEN_GROUPS = new Set([
  'CamundaPlatform__Implementation',
  'CamundaPlatform__FieldInjection',
  'CamundaPlatform__ExternalTask',
  'CamundaPlatform__Errors',
  'CamundaPlatform__Script',
  'CamundaPlatform__TaskListener',
  'CamundaPlatform__ExecutionListener',
  'CamundaPlatform__ConnectorInput',
  'CamundaPlatform__ConnectorOutput',
  'CamundaPlatform__AsynchronousContinuations',
  'CamundaPlatform__JobExecution',
  'CamundaPlatform__HistoryCleanup',
  'CamundaPlatform__Tasklist',
  'CamundaPlatform__CandidateStarter',
  'CamundaPlatform__StartInitiator',
  'CamundaPlatform__BusinessKey',
]);

/** Entries hidden inside kept groups: group id → entry ids. */
const HIDDEN_ENTRIES = { CamundaPlatform__UserAssignment: new Set(['priority']) };

function RefusedGroupsFilter(propertiesPanel) {
  propertiesPanel.registerProvider(PRIORITY, this);
}
RefusedGroupsFilter.$inject = ['propertiesPanel'];

RefusedGroupsFilter.prototype.getGroups = function (element) {
  return (groups) => {
    const kept = groups.filter((group) => !HIDDEN_GROUPS.has(group.id));
    for (const group of kept) {
      const hidden = HIDDEN_ENTRIES[group.id];
      if (!hidden || !group.entries) continue;
      // A priority the diagram already has stays visible (the save warns that it is not applied).
      const business = getBusinessObject(element);
      group.entries = group.entries.filter(
        (entry) => !hidden.has(entry.id) || !!business.get('camunda:' + entry.id),
      );
    }
    return kept;
  };
};

export default {
  __init__: ['hdRefusedGroups'],
  hdRefusedGroups: ['type', RefusedGroupsFilter],
};
