import { SYSTEM_ACTOR } from '../domain/actor.js';
import type { InstanceRecord } from '../domain/instance.js';
import { escalate } from '../domain/sla/escalate.js';
import { parseSlaTimer } from '../domain/sla/sla-timers.js';
import { bookkeepingTransition } from './build-transition.js';
import { escalationMessages, escalationTasks } from './escalation-effects.js';
import type { DefinitionsService } from './definitions-service.js';
import type { Transition } from './ports.js';
import type { SlaPolicies } from './sla-ports.js';

/**
 * Turns a due SLA timer into the escalation step: the clock records the crossed
 * threshold, each level reached gets a task for its group and notifications for its
 * contacts, and the audit trail says so.
 */
export class SlaEscalations {
  constructor(
    private readonly deps: { readonly definitions: DefinitionsService; readonly policies: SlaPolicies },
  ) {}

  /** The escalation transition for an SLA timer, or undefined when it is stale. */
  async transitionFor(
    previous: InstanceRecord,
    executionId: string,
    now: Date,
  ): Promise<Transition | undefined> {
    const timer = parseSlaTimer(executionId);
    const policy = this.deps.policies.forProcedure(previous.procedureId);
    if (!timer || !policy || !previous.sla) return undefined;
    const crossed = escalate(previous.sla, timer.clockId, timer.threshold, policy, previous.variables, now);
    if (!crossed) return undefined;
    const { catalog } = await this.deps.definitions.byId(previous.definitionId);
    const seq = previous.seq + 1;
    const steps = crossed.levels.map((level) => ({
      instance: previous,
      clock: crossed.clock,
      level,
      threshold: timer.threshold,
      seq,
      now,
    }));
    const tasks = steps.flatMap(escalationTasks);
    const outbox = steps.flatMap((step) => escalationMessages(step, catalog, crossed.clock.dueAt));
    const step = { previous, catalog, actor: SYSTEM_ACTOR, now, type: `sla.${timer.threshold}` };
    const data = {
      clock: crossed.clock.id,
      name: crossed.clock.name,
      threshold: timer.threshold,
      dueAt: crossed.clock.dueAt,
      levels: crossed.levels.map((l) => ({ level: l.level, group: l.group, notify: l.notify })),
    };
    const transition = bookkeepingTransition({ ...step, data }, { openTasks: tasks, outbox });
    return {
      ...transition,
      head: {
        ...transition.head,
        sla: crossed.clocks,
        openTaskIds: [...previous.openTaskIds, ...tasks.map((t) => t.id)],
      },
    };
  }
}
