import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from './models.js';

const plain = { versionKey: false, strict: true, minimize: false } as const;

/** Collections of email delivery (docs/adr/0006-notifications.md). */
export interface DeliveryModels {
  /** One document per claimed attempt, `_id` = `<outbox id>#<attempt>`: inserting it is the claim. */
  readonly attempts: Model<Record<string, unknown>>;
  /** One document per finished message, `_id` = outbox id: sent or undeliverable. */
  readonly outcomes: Model<Record<string, unknown>>;
}

const attemptSchema = new Schema(
  {
    _id: String,
    messageId: String,
    attempt: Number,
    owner: String,
    claimedAt: Date,
    leaseUntil: Date,
    result: Schema.Types.Mixed,
  },
  { ...plain, collection: 'deliveries' },
);

const outcomeSchema = new Schema(
  { _id: String, state: String, attempt: Number, at: Date, smtpMessageId: String, reason: String },
  { ...plain, collection: 'delivery_outcomes' },
);

/** Registers the delivery models on a connection (they need no index besides `_id`). */
export function bindDeliveryModels(connection: Connection): DeliveryModels {
  const model = (name: string, schema: Schema) => modelOn(connection, name, schema);
  return {
    attempts: model('DeliveryAttempt', attemptSchema),
    outcomes: model('DeliveryOutcome', outcomeSchema),
  };
}
