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

const taskSchema = new Schema(
  {
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
    completedAt: Date,
    completedBy: String,
    data: Mixed,
    seq: Number,
  },
  { ...plain, collection: 'tasks' },
);
taskSchema.index({ status: 1, candidateGroups: 1 });
taskSchema.index({ instanceId: 1 });

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
  },
  { ...plain, collection: 'outbox' },
);
outboxSchema.index({ instanceId: 1 });
const outboxPendingSchema = new Schema(
  { _id: String, createdAt: Date },
  { ...plain, collection: 'outbox_pending' },
);

const counterSchema = new Schema({ _id: String, value: Number }, { ...plain, collection: 'counters' });
const ticketKeySchema = new Schema({ _id: String, at: Date }, { ...plain, collection: 'ticket_keys' });

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
  };
}

/** Creates the indexes the correctness of the app depends on (unique ones above all). */
export async function ensureIndexes(models: Models): Promise<void> {
  for (const model of Object.values(models)) await model.syncIndexes();
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
