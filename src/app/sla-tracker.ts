import type { InstanceRecord, PendingTimer, TaskRecord } from '../domain/instance.js';
import type { ProcedureCatalog } from '../domain/procedure.js';
import type { SlaClock } from '../domain/sla.js';
import { durationMs } from '../domain/sla/duration.js';
import { trackClocks, type SlaResult } from '../domain/sla/track-clocks.js';
import { isSlaTimer, slaTimers } from '../domain/sla/sla-timers.js';
import { attachedDueAt } from './build-transition.js';
import { catchUpEscalations } from './sla-catch-up.js';
import type { CalendarRegistry } from './calendar-registry.js';
import type { DefinitionsService } from './definitions-service.js';
import type { Transition } from './ports.js';
import type { SlaPolicies } from './sla-ports.js';

/** Collaborators of the SLA tracker. */
export interface SlaTrackerDeps {
  readonly definitions: DefinitionsService;
  readonly policies: SlaPolicies;
  readonly calendars: CalendarRegistry;
}

/**
 * Completes every transition before it is committed with what calendars and SLA
 * policies add: business-time due instants for BPMN timers that name a calendar, the
 * ticket's SLA clocks advanced to this step, and the scheduler timers those clocks need.
 * Running inside the commit keeps it atomic with the step, whichever use case made it.
 */
export class SlaTracker {
  constructor(private readonly deps: SlaTrackerDeps) {}

  /** The transition with SLA clocks, their timers and business-time due instants filled in. */
  async annotate(transition: Transition): Promise<Transition> {
    const { head, effects } = transition;
    const { catalog } = await this.deps.definitions.byId(head.definitionId);
    const businessDue = this.businessDueTimes(effects.scheduleTimers, catalog, head.updatedAt);
    const engineTimers = head.timers.filter((t) => !isSlaTimer(t.executionId)).map(businessDue);
    const tracked = this.clocks(head);
    const caughtUp = this.catchUp(head, tracked.clocks, catalog);
    const sla = caughtUp?.clocks ?? tracked.clocks;
    const results = tracked.results;
    const wanted = slaTimers(sla);
    const before = new Set(
      [...effects.cancelTimers, ...head.timers.map((t) => t.executionId)].filter(isSlaTimer),
    );
    const wantedIds = new Set(wanted.map((t) => t.executionId));
    const late = caughtUp?.audit.length ? caughtUp : undefined;
    const eventData = {
      ...transition.event.data,
      ...(results.length ? { slaResults: results } : {}),
      ...(late ? { slaEscalations: late.audit } : {}),
    };
    const openTaskIds = [...head.openTaskIds, ...(late?.tasks.map((task) => task.id) ?? [])];
    return {
      event: results.length || late ? { ...transition.event, data: eventData } : transition.event,
      head: { ...head, openTaskIds, timers: [...engineTimers, ...wanted], ...(sla ? { sla } : {}) },
      effects: {
        ...effects,
        openTasks: [
          ...effects.openTasks.map((task) => withDueAt(task, engineTimers)),
          ...(late?.tasks ?? []),
        ],
        outbox: [...effects.outbox, ...(late?.outbox ?? [])],
        scheduleTimers: [
          ...effects.scheduleTimers.filter((t) => !isSlaTimer(t.executionId)).map(businessDue),
          ...wanted.filter((t) => !before.has(t.executionId)),
        ],
        cancelTimers: [
          ...effects.cancelTimers.filter((id) => !isSlaTimer(id)),
          ...[...before].filter((id) => !wantedIds.has(id)),
        ],
      },
    };
  }

  /** Escalations whose thresholds the clocks reached without their timer having fired. */
  private catchUp(head: InstanceRecord, clocks: SlaClock[] | undefined, catalog: ProcedureCatalog) {
    const policy = this.deps.policies.forProcedure(head.procedureId);
    return policy && clocks ? catchUpEscalations(head, clocks, policy, catalog) : undefined;
  }

  private clocks(head: InstanceRecord): { clocks?: SlaClock[]; results: SlaResult[] } {
    const policy = this.deps.policies.forProcedure(head.procedureId);
    // Without a policy (any more) there is nothing to measure: keep the record, arm nothing.
    if (!policy) return { ...(head.sla ? { clocks: head.sla.map(disarmed) } : {}), results: [] };
    const calendar = this.deps.calendars.get(policy.calendar);
    return trackClocks(head.sla, policy, calendar, {
      now: head.updatedAt,
      status: head.status,
      activeActivities: head.activeActivities,
      completedActivities: head.completedActivities,
      variables: head.variables,
    });
  }

  /** Maps a newly armed duration timer on a calendar to the instant its business duration ends. */
  private businessDueTimes(armed: readonly PendingTimer[], catalog: ProcedureCatalog, armedAt: Date) {
    const due = new Map<string, Date>();
    for (const timer of armed) {
      const spec = catalog.timers[timer.activityId];
      if (!spec?.calendar || spec.kind !== 'duration') continue;
      const calendar = this.deps.calendars.get(spec.calendar);
      // The literal duration, not dueAt - armedAt: the engine's own instant may differ by a millisecond.
      const ms = durationMs(spec.value) ?? new Date(timer.dueAt).getTime() - armedAt.getTime();
      due.set(timer.executionId, calendar.addBusinessTime(armedAt, Math.max(0, ms)));
    }
    return (timer: PendingTimer): PendingTimer => {
      const dueAt = due.get(timer.executionId);
      return dueAt ? { ...timer, dueAt } : timer;
    };
  }
}

/** A clock kept without a policy: no due instants, so no timers. */
function disarmed(clock: SlaClock): SlaClock {
  const { dueAt: _d, warnAt: _w, ...rest } = clock;
  return rest;
}

function withDueAt(task: TaskRecord, timers: readonly PendingTimer[]): TaskRecord {
  // A camunda:dueDate is the task's due date, not its first timer (ADR 0031).
  if (task.dueSource === 'dueDate') return task;
  const dueAt = attachedDueAt(task.activityId, timers);
  return dueAt ? { ...task, dueAt } : task;
}
