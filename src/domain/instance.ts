/** Runtime records of procedure instances, tasks and their audit trail. */
import type { CallerLink, CallLink } from './call.js';
import type { SlaClock } from './sla.js';

export type InstanceStatus = 'running' | 'completed' | 'cancelled' | 'failed' | 'incident';

/**
 * True while the ticket is open: running, or stopped in an incident that a supervisor may
 * retry (its tasks, timers and SLA clocks stay as they were).
 */
export function isOpenStatus(status: InstanceStatus): boolean {
  return status === 'running' || status === 'incident';
}
export type TaskStatus = 'open' | 'completed' | 'cancelled';

/** A timer the engine is waiting on; enforced by the scheduler, never in-process. */
export interface PendingTimer {
  readonly activityId: string;
  /** Execution id of the timer event definition, unique per arming. */
  readonly executionId: string;
  readonly dueAt: Date;
  readonly timerType: string;
  readonly value: string;
  /** The activity the timer is attached to (boundary events). */
  readonly attachedTo?: string;
  /** How often this timer cycle fired before this arming (absent: never). */
  readonly firings?: number;
}

/**
 * Data of an `instance.incident` audit event: the engine step that was stopped (its
 * budget, a refused script, a stack overflow) and what it was doing, so a supervisor
 * can retry it from the last good state (kept on the head) or cancel the instance.
 */
export interface InstanceIncident {
  readonly activityId: string;
  readonly reason: string;
  /** The audit event type of the failed step (`instance.started`, `task.completed`, `timer.fired`). */
  readonly step: string;
  /** Who took the failed step. */
  readonly by: string;
  /** What the step did, to run it again: the start variables, the task and its data, the timer. */
  readonly action: IncidentAction;
}

/** The engine action of a failed step. */
export type IncidentAction =
  | { readonly kind: 'start'; readonly variables: Record<string, unknown> }
  | {
      readonly kind: 'complete-task';
      readonly taskId: string;
      readonly executionId: string;
      readonly data: Record<string, unknown>;
    }
  | {
      readonly kind: 'fire-timer';
      readonly activityId: string;
      readonly executionId: string;
      readonly firings?: number;
    }
  | { readonly kind: 'resume' };

/** The state of one instance after a transition. */
export interface InstanceSnapshot {
  readonly status: InstanceStatus;
  readonly engineState: unknown;
  readonly variables: Record<string, unknown>;
  readonly timers: readonly PendingTimer[];
  readonly activeActivities: readonly string[];
  readonly completedActivities: readonly string[];
  /** Ids of the tasks open after this state was reached. */
  readonly openTaskIds: readonly string[];
  readonly error?: string;
  /** SLA clocks of this ticket (absent when its procedure has no SLA policy). */
  readonly sla?: readonly SlaClock[];
  /** Messages and signals the instance waits for (ADR 0018); absent or empty: none. */
  readonly awaiting?: readonly AwaitedEvent[];
  /** On a ticket started by a call activity: its caller (docs/adr/0019). */
  readonly calledBy?: CallerLink;
  /** Tickets this one's call activities started, running and ended (docs/adr/0019). */
  readonly calls?: readonly CallLink[];
}

/**
 * A message or signal catch the engine waits on: a receive task, an intermediate or boundary
 * catch event (event-based gateway branches included), or the start event of an event
 * sub-process (`eventSubProcess` names it; it runs when the message arrives).
 */
export interface AwaitedEvent {
  readonly kind: 'message' | 'signal';
  /** The message's or signal's name (its id when it has none): what deliveries name. */
  readonly name: string;
  /** Id of the `bpmn:message` / `bpmn:signal` element. */
  readonly refId: string;
  readonly activityId: string;
  readonly executionId: string;
  readonly eventSubProcess?: string;
}

/** The head (latest known state) of an instance. */
export interface InstanceRecord extends InstanceSnapshot {
  readonly id: string;
  readonly procedureId: string;
  readonly definitionId: string;
  readonly businessKey: string;
  readonly engineVersion: string;
  readonly seq: number;
  readonly startedAt: Date;
  readonly startedBy: string;
  readonly updatedAt: Date;
  readonly endedAt?: Date;
}

/** A human task offered to groups or assigned to a person. */
export interface TaskRecord {
  /** `<instanceId>:<executionId>` so re-applying a transition is idempotent. */
  readonly id: string;
  readonly instanceId: string;
  readonly procedureId: string;
  readonly businessKey: string;
  readonly activityId: string;
  readonly executionId: string;
  readonly name: string;
  readonly laneId?: string;
  readonly formKey?: string;
  readonly candidateGroups: readonly string[];
  readonly assignee?: string;
  readonly status: TaskStatus;
  readonly createdAt: Date;
  readonly dueAt?: Date;
  /** `dueDate`: `dueAt` is the task's `camunda:dueDate`, not its first timer (ADR 0031). */
  readonly dueSource?: 'dueDate';
  /** `camunda:followUpDate`: when to look at the task again (not a deadline; ADR 0031). */
  readonly followUpAt?: Date;
  /** The item of a multi-instance task: 1-based index and, when known, the count (ADR 0031). */
  readonly item?: { readonly index: number; readonly count?: number };
  readonly completedAt?: Date;
  readonly completedBy?: string;
  readonly data?: Record<string, unknown>;
  /** As stored: the seq of the step that last wrote the task. */
  readonly seq?: number;
}

/** A message rendered by a send task, waiting for delivery. */
export interface OutboxMessage {
  readonly id: string;
  readonly instanceId: string;
  readonly activityId: string;
  readonly template: string;
  readonly to?: string;
  readonly language: string;
  readonly variables: Record<string, unknown>;
  readonly createdAt: Date;
  /** Public files of the ticket the email carries (send task property `attach`, docs/adr/0032). */
  readonly attachments?: readonly import('./conversation.js').AttachmentRef[];
  /**
   * Mail no ticket step wrote (a scheduled report, docs/adr/0027): `instanceId` is ''. Its `to`
   * comes from admin configuration, so a literal address is not held to the mail policy (which
   * guards addresses taken from ticket data), and its files' content travels in the message.
   */
  readonly configured?: { readonly files: readonly ConfiguredMailFile[] };
}

/** A file whose content an outbox message carries (a scheduled report's CSV). */
export interface ConfiguredMailFile {
  readonly filename: string;
  readonly contentType: string;
  readonly content: string;
}

/** One entry of an instance's audit trail; `(instanceId, seq)` is unique. */
export interface InstanceEvent {
  readonly instanceId: string;
  readonly seq: number;
  readonly type: string;
  readonly actor: string;
  readonly at: Date;
  readonly data: Record<string, unknown>;
}

/** Who opens an instance, of which version, under which ticket number, and when. */
export interface InstanceOpening {
  readonly id: string;
  readonly procedureId: string;
  readonly definitionId: string;
  readonly businessKey: string;
  readonly engineVersion: string;
  readonly startedAt: Date;
  readonly startedBy: string;
}

/** The state before an instance's first step (seq 0): what its start transition builds on. */
export function unstartedInstance(opening: InstanceOpening): InstanceRecord {
  return {
    ...opening,
    seq: 0,
    status: 'running',
    engineState: null,
    variables: {},
    timers: [],
    activeActivities: [],
    completedActivities: [],
    openTaskIds: [],
    updatedAt: opening.startedAt,
  };
}
