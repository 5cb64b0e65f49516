import { Schema, type Connection, type Model } from 'mongoose';

const Mixed = Schema.Types.Mixed;
const plain = { versionKey: false, strict: true, minimize: false } as const;

/** Every collection the app uses, bound to one connection. */
export interface Models {
  readonly definitions: Model<Record<string, unknown>>;
  readonly instances: Model<Record<string, unknown>>;
  readonly events: Model<Record<string, unknown>>;
  readonly tasks: Model<Record<string, unknown>>;
  readonly outbox: Model<Record<string, unknown>>;
  /** Outbox messages not yet delivered nor given up (`_id` = outbox id), so delivery never scans the whole outbox. */
  readonly outboxPending: Model<Record<string, unknown>>;
  readonly counters: Model<Record<string, unknown>>;
  readonly ticketKeys: Model<Record<string, unknown>>;
  /** Heads of running instances without engine state (`_id` = instance id); removed when they end. */
  readonly openInstances: Model<Record<string, unknown>>;
  /** Tasks while open (`_id` = task id); removed when closed. */
  readonly openTasks: Model<Record<string, unknown>>;
  /** Instances that ended in the last days (lean rows for the dashboard); pruned as they age. */
  readonly recentClosed: Model<Record<string, unknown>>;
  /** The current version of each procedure (`_id` = procedure id). */
  readonly procedureLatest: Model<Record<string, unknown>>;
}

const definitionSchema = new Schema(
  {
    _id: String,
    procedureId: { type: String, required: true },
    version: { type: Number, required: true },
    contentHash: { type: String, required: true },
    xml: { type: String, required: true },
    catalog: { type: Mixed, required: true },
    warnings: { type: Mixed, default: [] },
    deployedAt: { type: Date, required: true },
    deployedBy: { type: String, required: true },
    formVersions: { type: Mixed },
  },
  { ...plain, collection: 'definitions' },
);
definitionSchema.index({ procedureId: 1, version: 1 }, { unique: true });

const instanceShape = {
  _id: String,
  procedureId: String,
  definitionId: String,
  businessKey: String,
  engineVersion: String,
  seq: Number,
  status: String,
  // JSON text, not a sub-document: FerretDB decodes every row it scans, and a string is ~10x cheaper.
  engineState: String,
  variables: Mixed,
  timers: Mixed,
  sla: Mixed,
  // Messages and signals the instance waits for (ADR 0018).
  awaiting: Mixed,
  // Call activities (docs/adr/0019): the caller of a called ticket, the tickets a ticket called.
  calledBy: Mixed,
  calls: Mixed,
  activeActivities: [String],
  completedActivities: [String],
  openTaskIds: [String],
  error: String,
  startedAt: Date,
  startedBy: String,
  updatedAt: Date,
  endedAt: Date,
};
const instanceSchema = new Schema(instanceShape, { ...plain, collection: 'instances' });
instanceSchema.index({ businessKey: 1 }, { unique: true });
// History pages (any state, newest first); MongoDB serves them from this index, FerretDB scans.
instanceSchema.index({ startedAt: -1 });
instanceSchema.index({ status: 1, startedAt: -1 });

// Open work (docs/adr/0017): as many rows as running instances / open tasks, whatever the history.
const { engineState: _engineState, ...openInstanceShape } = instanceShape;
const openInstanceSchema = new Schema(openInstanceShape, { ...plain, collection: 'open_instances' });
openInstanceSchema.index({ startedAt: -1 });
const recentClosedSchema = new Schema(
  {
    _id: String,
    procedureId: String,
    definitionId: String,
    businessKey: String,
    status: String,
    startedAt: Date,
    startedBy: String,
    endedAt: Date,
  },
  { ...plain, collection: 'recent_closed' },
);
recentClosedSchema.index({ endedAt: 1 });
const procedureLatestSchema = new Schema(
  { _id: String, definitionId: String, version: Number },
  { ...plain, collection: 'procedure_latest' },
);

// The commit point: a writer owns seq N of an instance iff its insert wins this unique index.
const eventSchema = new Schema(
  {
    _id: String,
    instanceId: { type: String, required: true },
    seq: { type: Number, required: true },
    type: String,
    actor: String,
    at: Date,
    data: Mixed,
    // JSON text for the same reason as instances.engineState.
    head: String,
    effects: String,
  },
  { ...plain, collection: 'instance_events' },
);
eventSchema.index({ instanceId: 1, seq: 1 }, { unique: true });

const taskShape = {
  _id: String,
  instanceId: String,
  procedureId: String,
  businessKey: String,
  activityId: String,
  executionId: String,
  name: String,
  laneId: String,
  formKey: String,
  candidateGroups: [String],
  assignee: String,
  status: String,
  createdAt: Date,
  dueAt: Date,
  dueSource: String,
  followUpAt: Date,
  item: Mixed,
  completedAt: Date,
  completedBy: String,
  data: Mixed,
  seq: Number,
};
const taskSchema = new Schema(taskShape, { ...plain, collection: 'tasks' });
taskSchema.index({ status: 1, candidateGroups: 1 });
taskSchema.index({ instanceId: 1 });
const openTaskSchema = new Schema(taskShape, { ...plain, collection: 'open_tasks' });
openTaskSchema.index({ assignee: 1, createdAt: 1 });
openTaskSchema.index({ candidateGroups: 1, createdAt: 1 });

const outboxSchema = new Schema(
  {
    _id: String,
    instanceId: String,
    activityId: String,
    template: String,
    to: String,
    language: String,
    variables: Mixed,
    createdAt: Date,
    sentAt: Date,
    attachments: Mixed,
    configured: Mixed,
  },
  { ...plain, collection: 'outbox' },
);
outboxSchema.index({ instanceId: 1 });
const outboxPendingSchema = new Schema(
  { _id: String, createdAt: Date },
  { ...plain, collection: 'outbox_pending' },
);

const counterSchema = new Schema({ _id: String, value: Number }, { ...plain, collection: 'counters' });
// `instanceId`: the ticket the number went to, so a message correlates by business key with `_id` reads (ADR 0018).
const ticketKeySchema = new Schema(
  { _id: String, at: Date, instanceId: String },
  { ...plain, collection: 'ticket_keys' },
);

/** The connection's model of that name, registered on first use (several modules bind their own). */
export function modelOn(
  connection: Connection,
  name: string,
  schema: Schema,
): Model<Record<string, unknown>> {
  return (connection.models[name] ?? connection.model(name, schema)) as Model<Record<string, unknown>>;
}

/** Registers the models on a connection. */
export function bindModels(connection: Connection): Models {
  const model = (name: string, schema: Schema) => modelOn(connection, name, schema);
  return {
    definitions: model('Definition', definitionSchema),
    instances: model('Instance', instanceSchema),
    events: model('InstanceEvent', eventSchema),
    tasks: model('Task', taskSchema),
    outbox: model('Outbox', outboxSchema),
    outboxPending: model('OutboxPending', outboxPendingSchema),
    counters: model('Counter', counterSchema),
    ticketKeys: model('TicketKey', ticketKeySchema),
    openInstances: model('OpenInstance', openInstanceSchema),
    openTasks: model('OpenTask', openTaskSchema),
    recentClosed: model('RecentClosed', recentClosedSchema),
    procedureLatest: model('ProcedureLatest', procedureLatestSchema),
  };
}

/**
 * Creates the collections and the indexes the correctness of the app depends on (unique ones above
 * all). Each collection is created once, by the model's own `init` (mongoose starts it when the model
 * is bound); `syncIndexes` would ask for it a second time.
 */
export async function ensureIndexes(models: Models): Promise<void> {
  for (const model of Object.values(models)) {
    await model.init();
    await model.syncIndexes({ autoCreate: false });
  }
}

/** True for a MongoDB duplicate-key error (code 11000), FerretDB included. */
export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/**
 * Awaits a write whose duplicate-key failure means "already written": an idempotent
 * re-apply, or a concurrent upsert of the same `_id` (FerretDB upserts are not atomic).
 */
export async function ignoreDuplicate(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
}

/**
 * Awaits an unordered bulk insert (`ordered: false`) of `count` rows whose only failures are
 * duplicate keys, and answers the indexes of the rows that were already there (every other row is
 * inserted). Any other failure is thrown. A duplicate error that does not say which rows counts
 * all of them as already there.
 */
export async function duplicatesOfInsert(write: Promise<unknown>, count: number): Promise<Set<number>> {
  try {
    await write;
    return new Set();
  } catch (error) {
    const failures = (error as { writeErrors?: unknown }).writeErrors;
    if (!Array.isArray(failures)) {
      if (isDuplicateKey(error)) return new Set(Array.from({ length: count }, (_, index) => index));
      throw error;
    }
    if (!failures.length || !failures.every((failure) => failureCode(failure) === 11000)) throw error;
    return new Set(failures.map((failure) => Number((failure as { index?: unknown }).index)));
  }
}

function failureCode(failure: unknown): unknown {
  const { code, err } = failure as { code?: unknown; err?: { code?: unknown } };
  return code ?? err?.code;
}
