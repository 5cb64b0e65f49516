import { laneName } from '../../../app/inbox-service.js';
import type { InstanceView } from '../../../app/instance-service.js';
import { currentSteps } from '../../../app/monitoring-figures.js';
import { auditLines } from '../core/audit-lines.js';
import { NO_LABELS, type FieldLabels } from '../core/field-labels.js';
import type { SlaClock } from '../../../domain/sla.js';
import { parseSlaTimer } from '../../../domain/sla/sla-timers.js';
import type { ProcedureVersion } from '../../../domain/procedure.js';
import { displayValue, statusKey } from './supervisor-views.js';

/**
 * What the instance page template shows, precomputed from the instance view and its version:
 * steps, lanes and form values by name, audit events with readable labels (raw JSON folded).
 */
export function instancePageModel(
  view: InstanceView,
  version: ProcedureVersion,
  name: (activityId: string) => string,
  now: Date,
  fields: FieldLabels = NO_LABELS,
) {
  const { instance } = view;
  const url = `/supervisor/instances/${encodeURIComponent(instance.id)}`;
  const before = (date: Date | undefined) => date !== undefined && new Date(date).getTime() < now.getTime();
  return {
    instance: {
      ...instance,
      procedureName: version.catalog.name || instance.procedureId,
      version: version.version,
      statusLabel: statusKey(instance.status),
      running: instance.status === 'running',
      inIncident: instance.status === 'incident',
      // An instance in incident may be cancelled as a running one may.
      cancellable: instance.status === 'running' || instance.status === 'incident',
      currentActivities: currentSteps(instance.activeActivities, version.catalog).map(name),
    },
    // Call activities (docs/adr/0019): the ticket that called this one, and those it called.
    calledBy: instance.calledBy
      ? { ...instance.calledBy, url: instanceUrl(instance.calledBy.instanceId) }
      : undefined,
    calls: (instance.calls ?? []).map((link) => ({
      ...link,
      activityName: name(link.activityId),
      label: link.businessKey ?? link.instanceId,
      statusLabel: statusKey(link.status),
      url: instanceUrl(link.instanceId),
    })),
    variables: Object.entries(instance.variables)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => ({
        key,
        label: fields.label(key),
        value: displayValue(fields.value(key, value)),
      })),
    tasks: view.tasks.map((task) => ({
      ...task,
      statusLabel: statusKey(task.status),
      groups: task.candidateGroups.map((id) => laneName(version.catalog, id)).join(', '),
      overdue: task.status === 'open' && before(task.dueAt),
    })),
    timers: instance.timers.map((timer) => {
      // SLA timers stand for a clock's warning or breach: named after the clock.
      const sla = parseSlaTimer(timer.executionId);
      return {
        ...timer,
        name: sla ? timer.value : name(timer.activityId),
        kindKey: sla ? `supervisor.timerKinds.${sla.threshold}` : undefined,
        attachedToName: timer.attachedTo ? name(timer.attachedTo) : undefined,
        overdue: before(timer.dueAt),
      };
    }),
    sla: (instance.sla ?? []).map((clock) => slaRow(clock, before(clock.dueAt))),
    messages: view.messages,
    events: auditLines(view.events, {
      fields,
      taskName: (id) => view.tasks.find((task) => task.id === id)?.name,
      activityName: name,
    }),
    markers: {
      active: [...new Set(instance.activeActivities)],
      completed: [...new Set(instance.completedActivities)],
    },
    diagramUrl: `${url}/diagram.bpmn`,
    cancelUrl: `${url}/cancel`,
    retryUrl: `${url}/retry`,
    incident: instance.status === 'incident' ? incidentOf(view) : undefined,
  };
}

function instanceUrl(instanceId: string): string {
  return `/supervisor/instances/${encodeURIComponent(instanceId)}`;
}

/** One SLA clock as a table row: state, target, elapsed, due, and the final outcome. */
function slaRow(clock: SlaClock, pastDue: boolean) {
  const outcome =
    clock.overByMs === undefined
      ? undefined
      : clock.overByMs > 0
        ? { key: 'supervisor.sla.breachedBy', ms: clock.overByMs, breached: true }
        : { key: 'supervisor.sla.metBy', ms: -clock.overByMs, breached: false };
  return {
    ...clock,
    statusLabel: statusKey(clock.status),
    running: clock.status === 'running',
    overdue: clock.status === 'running' && pastDue,
    outcome,
  };
}

/** The incident's reason, the activity it stopped at and the step it stopped (its latest incident event). */
function incidentOf(view: InstanceView) {
  const event = [...view.events].reverse().find((e) => e.type === 'instance.incident');
  const data = (event?.data ?? {}) as Record<string, unknown>;
  return {
    reason: view.instance.error ?? String(data.reason ?? ''),
    activityId: typeof data.activityId === 'string' ? data.activityId : '',
    step: typeof data.step === 'string' ? data.step : '',
    at: event?.at,
  };
}
