/** Runtime records of procedure instances, tasks and their audit trail. */
import type { SlaClock } from './sla.js';

export type InstanceStatus = 'running' | 'completed' | 'cancelled' | 'failed';
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
}

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
  readonly completedAt?: Date;
  readonly completedBy?: string;
  readonly data?: Record<string, unknown>;
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
