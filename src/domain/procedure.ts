/** Plain-data view of a deployed procedure version, as stored and as the runtime needs it. */
import type { CallActivitySpec } from './call.js';
import type { PriorityScale } from './priority.js';

/** A `bpmn:lane`; lanes are roles, so a lane id doubles as a candidate group. */
export interface LaneSpec {
  readonly id: string;
  readonly name: string;
}

/** A `bpmn:userTask`. `candidateGroups` is empty when anyone may take the task. */
export interface UserTaskSpec {
  readonly id: string;
  readonly name: string;
  readonly laneId?: string;
  readonly formKey?: string;
  readonly candidateGroups: readonly string[];
  readonly assignee?: string;
  /** `camunda:candidateUsers`: user ids the task is offered to besides its groups (ADR 0031). */
  readonly candidateUsers?: readonly string[];
  /** `camunda:dueDate` / `camunda:followUpDate` as written: a date or a `${ }` expression (ADR 0031). */
  readonly dueDate?: string;
  readonly followUpDate?: string;
}

/** A `bpmn:sendTask`: renders message template `template` when reached. */
export interface SendTaskSpec {
  readonly id: string;
  readonly name: string;
  readonly template: string;
  /** Optional camunda property `to` (recipient hint for the outbox). */
  readonly to?: string;
  /** Optional camunda property `attach`: the variable whose files the email carries (docs/adr/0032). */
  readonly attach?: string;
}

/** Which timer definition a timer event uses: timeDuration, timeDate or timeCycle. */
export type TimerKind = 'duration' | 'date' | 'cycle';

/** A timer event (boundary, intermediate catch or start). */
export interface TimerSpec {
  readonly id: string;
  readonly name: string;
  readonly eventType: 'boundary' | 'intermediate' | 'start';
  /** The activity a boundary timer is attached to. */
  readonly attachedToRef?: string;
  /** Whether firing cancels `attachedToRef` (BPMN default true); false for non-boundary timers. */
  readonly cancelActivity: boolean;
  readonly kind: TimerKind;
  /** ISO 8601 duration / date / repeating interval, or a `${ ... }` expression. */
  readonly value: string;
  /**
   * Business calendar a duration timer counts in (camunda property `calendar` on the
   * timer event): `PT30M` then means 30 minutes of opening hours, not of wall clock.
   */
  readonly calendar?: string;
}

/**
 * What the runtime reads from a procedure beyond what the engine runs. Plain JSON
 * data (no moddle objects, no `undefined` values) so it can be stored in MongoDB.
 */
export interface ProcedureCatalog {
  readonly procedureId: string;
  readonly processId: string;
  readonly name: string;
  readonly ticketPrefix: string;
  readonly language: string;
  /** `camunda:formKey` of the process's top-level start event. */
  readonly startFormKey?: string;
  /** Id of the start event that names (or generates) `startFormKey`, for findings on it. */
  readonly startFormElement?: string;
  /** Process property `portalForm`: the requester-facing start form of the public portal (docs/adr/0026). */
  readonly portalForm?: string;
  readonly lanes: readonly LaneSpec[];
  readonly userTasks: Readonly<Record<string, UserTaskSpec>>;
  readonly sendTasks: Readonly<Record<string, SendTaskSpec>>;
  readonly timers: Readonly<Record<string, TimerSpec>>;
  /** Process properties `priorityVariable` / `priorityValues` (docs/adr/0021); absent: no priority. */
  readonly priority?: PriorityScale;
  /** Process property `reportDimensions` (docs/adr/0027): variables reports group by; absent: none. */
  readonly reportDimensions?: readonly import('./reports/dimensions.js').ReportDimension[];
  /**
   * Process property `calendar`: the business calendar the desk's opening hours come from
   * (out-of-hours requests, docs/adr/0030). Absent: the SLA policy's calendar, if any.
   */
  readonly calendar?: string;
  /** Call activities (absent in catalogs stored before they were supported; docs/adr/0019). */
  readonly callActivities?: Readonly<Record<string, CallActivitySpec>>;
  /**
   * Message start events of the process (not of its sub-processes). `POST /api/messages` naming
   * one, when no instance awaits it, starts this procedure (ADR 0018). Absent: none.
   */
  readonly messageStarts?: readonly MessageStart[];
  /** Whether the process also has a start event without event definition (a plain start). */
  readonly plainStart?: boolean;
  /**
   * Receive tasks and message/signal intermediate catch events, by id (absent in older catalogs):
   * where a ticket waits for someone outside the desk; SLA policies may pause on them (ADR 0031).
   */
  readonly waits?: Readonly<Record<string, WaitSpec>>;
  /**
   * Forms generated from `camunda:formData` (ADR 0031): form key → form-js schema JSON. Deploy
   * registers them as form versions; the tasks' `formKey` names them.
   */
  readonly generatedForms?: Readonly<Record<string, string>>;
}

/** A receive task or message/signal catch: the event it waits for (message name, else its id). */
export interface WaitSpec {
  readonly id: string;
  readonly name: string;
  readonly kind: 'message' | 'signal';
  readonly eventName: string;
}

/** A message start event of a process: the message's name (its id when unnamed) and the event. */
export interface MessageStart {
  readonly name: string;
  readonly startEventId: string;
}

/** One immutable deployed version of a procedure. */
export interface ProcedureVersion {
  /** `<procedureId>@<version>` */
  readonly id: string;
  readonly procedureId: string;
  readonly version: number;
  readonly contentHash: string;
  readonly xml: string;
  readonly catalog: ProcedureCatalog;
  readonly warnings: readonly { path: string; reason: string; message: string }[];
  readonly deployedAt: Date;
  readonly deployedBy: string;
  /** Form versions pinned at deploy, by form key (docs/adr/0028); absent on older versions (latest used). */
  readonly formVersions?: Readonly<Record<string, number>>;
}
