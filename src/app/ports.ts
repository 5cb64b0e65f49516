import type { FollowUpView } from './task-follow-up.js';
import type {
  InstanceEvent,
  InstanceRecord,
  OutboxMessage,
  PendingTimer,
  TaskRecord,
  TaskStatus,
} from '../domain/instance.js';
import type { ProcedureVersion } from '../domain/procedure.js';
import type { CallEffects } from '../domain/call.js';

/** Deployed procedure versions (immutable once stored). */
export interface DefinitionRepository {
  findById(id: string): Promise<ProcedureVersion | null>;
  findLatest(procedureId: string): Promise<ProcedureVersion | null>;
  listLatest(): Promise<ProcedureVersion[]>;
  listVersions(procedureId: string): Promise<Omit<ProcedureVersion, 'xml'>[]>;
  /** Id of the current version (`<procedureId>@<n>`), by one `_id` lookup; null when none is deployed. */
  findLatestId(procedureId: string): Promise<string | null>;
  /** Stores a new version; rejects with CONFLICT when that version number already exists. */
  insert(version: ProcedureVersion): Promise<void>;
}

/** Side effects a transition has on the read models; re-applying them must be harmless. */
export interface TransitionEffects {
  readonly openTasks: readonly TaskRecord[];
  readonly closeTasks: readonly {
    id: string;
    status: TaskStatus;
    at: Date;
    by?: string;
    data?: Record<string, unknown>;
  }[];
  readonly assign: readonly { id: string; assignee: string | null }[];
  readonly scheduleTimers: readonly PendingTimer[];
  readonly cancelTimers: readonly string[];
  readonly outbox: readonly OutboxMessage[];
  /** Called tickets to start or cancel, a caller to resume (call activities, docs/adr/0019). */
  readonly calls?: CallEffects;
  /**
   * Random id of the writer that committed this step (set by the instance log). It tells a writer whose
   * insert failed ambiguously (timeout, SQLITE_BUSY) whether the step stored at its seq is its own.
   */
  readonly commitNonce?: string;
}

/** One committed step of an instance: audit event + resulting head + effects. */
export interface Transition {
  readonly event: InstanceEvent;
  readonly head: InstanceRecord;
  readonly effects: TransitionEffects;
}

/** Which instance heads `listInstances` returns; every criterion given must hold. Newest first. */
export interface InstanceListFilter {
  readonly procedureId?: string;
  readonly status?: string;
  /** Started at or after this instant. */
  readonly startedFrom?: Date;
  /** Started strictly before this instant. */
  readonly startedBefore?: Date;
  /** Only running instances with a pending timer, or a running SLA clock, due before this instant. */
  readonly overdueAt?: Date;
  /** Case-insensitive substring of the ticket number (business key). */
  readonly businessKeyContains?: string;
  readonly limit: number;
  readonly skip?: number;
}

/** An ended instance as the dashboard counts it. */
export type ClosedInstance = Pick<
  InstanceRecord,
  'id' | 'procedureId' | 'definitionId' | 'businessKey' | 'status' | 'startedAt' | 'startedBy' | 'endedAt'
>;

/** The instance log. `commit` is the only atomic step: one writer per (instanceId, seq). */
export interface InstanceStore {
  loadHead(instanceId: string): Promise<InstanceRecord | null>;
  /** Inserts the transition; throws CONFLICT when another writer already committed that seq. */
  commit(transition: Transition): Promise<void>;
  findTransition(instanceId: string, seq: number): Promise<Transition | null>;
  saveHead(head: InstanceRecord): Promise<void>;
  listEvents(instanceId: string): Promise<InstanceEvent[]>;
  /** Heads without engine state, newest first (by `startedAt`). */
  listInstances(filter: InstanceListFilter): Promise<InstanceRecord[]>;
  /** Running instances with a pending timer due before `cutoff` (heads only, no engine state). */
  listWithTimersDueBefore(cutoff: Date, limit: number): Promise<InstanceRecord[]>;
  /** The head without engine state (running instances come from the open-work read model). */
  loadSummary(instanceId: string): Promise<InstanceRecord | null>;
  /** Instances that ended at or after `since` (kept about a week), most recently ended first. */
  listClosedSince(since: Date, limit: number): Promise<ClosedInstance[]>;
}

/** A marker of a step that was about to be committed and whose effects may not be applied yet. */
export interface PendingStep {
  readonly instanceId: string;
  readonly seq: number;
  readonly markedAt: Date;
  /** How long ago it was marked (by the marker store's own clock). */
  readonly ageMs: number;
}

/**
 * Markers of in-flight steps: written before a commit, removed once its effects are applied.
 * What is left over is the reconciler's work list, so it stays as small as the work in flight.
 */
export interface PendingSteps {
  /** Marks step `seq` of the instance (again: refreshes the marker). */
  mark(instanceId: string, seq: number): Promise<void>;
  /** Removes the marker; with `markedAt`, only if it was not marked again since. */
  clear(instanceId: string, seq: number, markedAt?: Date): Promise<void>;
  /**
   * The step's effects are applied: its marker may go with the next batch (a write saved per
   * step). A marker left by a crash before the batch is settled again by the reconciler.
   */
  settled(instanceId: string, seq: number): void;
  /** Removes the markers of settled steps now (at shutdown). */
  flush(): Promise<void>;
  /** Markers at least `minAgeMs` old, oldest first, at most `limit`. */
  listStale(minAgeMs: number, limit: number): Promise<PendingStep[]>;
}

/** Filters for the task list. */
export interface TaskQuery {
  readonly candidateGroups?: readonly string[];
  readonly assignee?: string;
  readonly status?: TaskStatus;
  readonly procedureId?: string;
  readonly instanceId?: string;
  /** Open tasks by follow-up instant (`task-follow-up.ts`), applied before `limit`. */
  readonly followUp?: { readonly view: FollowUpView; readonly now: Date };
  readonly limit: number;
}

/** Read model of human tasks, written only by applying transition effects. */
export interface TaskRepository {
  findById(id: string): Promise<TaskRecord | null>;
  list(query: TaskQuery): Promise<TaskRecord[]>;
  apply(effects: TransitionEffects, seq: number): Promise<void>;
}

/** Messages rendered by send tasks, waiting for delivery. */
export interface Outbox {
  add(messages: readonly OutboxMessage[]): Promise<void>;
  listForInstance(instanceId: string): Promise<OutboxMessage[]>;
}

/** Hands out unique human-readable ticket numbers. */
export interface TicketNumbers {
  /** The next free number; `instanceId` is recorded with it (business key → instance, ADR 0018). */
  next(prefix: string, year: number, instanceId?: string): Promise<string>;
  /** The instance a ticket number went to, read by `_id` (undefined: unknown or not recorded). */
  instanceOf?(businessKey: string): Promise<string | undefined>;
}

/** Durable timers: a due timer calls back `fireTimer` on some app instance, at least once. */
export interface TimerScheduler {
  schedule(instanceId: string, timers: readonly PendingTimer[]): Promise<void>;
  cancel(instanceId: string, executionIds: readonly string[]): Promise<void>;
  isRunning(): boolean;
}

/** Result of parsing and vetting a BPMN file. */
export interface ParsedProcedure {
  readonly contentHash: string;
  readonly catalog: import('../domain/procedure.js').ProcedureCatalog;
  readonly warnings: readonly import('../domain/errors.js').FieldIssue[];
}

/** Parses, vets (security, conventions) and lints BPMN; throws PROCEDURE_INVALID / PROCEDURE_UNSAFE. */
export interface DefinitionParser {
  parse(xml: string, procedureId: string, fileName: string): Promise<ParsedProcedure>;
}

/** Validates task form submissions against the forms in `forms/`. */
export interface FormValidator {
  /** True when a form with that key exists. */
  exists(formKey: string): Promise<boolean>;
  /**
   * Returns the accepted (coerced) values or throws VALIDATION_FAILED listing every issue.
   * `currentUser` (who submits) fills blank `prefill: currentUser` fields (docs/adr/0021).
   * `version`: the form version the procedure version pinned (docs/adr/0028); latest when absent.
   */
  validate(
    formKey: string,
    data: unknown,
    currentUser?: string,
    version?: number,
  ): Promise<Record<string, unknown>>;
  /** Versioned forms only: the latest version of each key, which a deploy pins (docs/adr/0028). */
  latestVersions?(formKeys: readonly string[]): Promise<Record<string, number>>;
}
