import type { InstanceView } from '../../../app/instance-service.js';
import type { SlaClock } from '../../../domain/sla.js';
import { parseSlaTimer } from '../../../domain/sla/sla-timers.js';
import type { ProcedureVersion } from '../../../domain/procedure.js';
import { displayValue, statusKey, summarize } from './supervisor-views.js';

/** What the instance page template shows, precomputed from the instance view and its version. */
export function instancePageModel(
  view: InstanceView,
  version: ProcedureVersion,
  name: (activityId: string) => string,
  now: Date,
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
      currentActivities: [...new Set(instance.activeActivities)].map(name),
    },
    variables: Object.entries(instance.variables)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => ({ key, value: displayValue(value) })),
    tasks: view.tasks.map((task) => ({
      ...task,
      statusLabel: statusKey(task.status),
      groups: task.candidateGroups.join(', '),
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
    events: view.events.map((event) => ({ ...event, summary: summarize(event.data ?? {}) })),
    markers: {
      active: [...new Set(instance.activeActivities)],
      completed: [...new Set(instance.completedActivities)],
    },
    diagramUrl: `${url}/diagram.bpmn`,
    cancelUrl: `${url}/cancel`,
  };
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
