import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from './models.js';

const plain = { versionKey: false, strict: true, minimize: false } as const;

/** Collections of the web app's accounts, sessions and login-throttle counters. */
export interface AccountModels {
  readonly accounts: Model<Record<string, unknown>>;
  readonly sessions: Model<Record<string, unknown>>;
  readonly loginThrottle: Model<Record<string, unknown>>;
}

// `_id` is the lowercased username: the unique `_id` index makes "username taken" atomic.
const accountSchema = new Schema(
  {
    _id: String,
    username: { type: String, required: true },
    displayName: String,
    email: String,
    roles: [String],
    groups: [String],
    language: String,
    disabled: Boolean,
    passwordHash: { type: String, required: true },
    createdAt: Date,
    updatedAt: Date,
  },
  { ...plain, collection: 'accounts' },
);

// `_id` is the SHA-256 of the session token; sessions are only ever read by `_id`.
const sessionSchema = new Schema(
  {
    _id: String,
    accountId: { type: String, required: true },
    csrfToken: { type: String, required: true },
    createdAt: Date,
    lastSeenAt: Date,
  },
  { ...plain, collection: 'sessions' },
);

// Login-throttle slots and full marks: `_id` = `<hash of kind, key and window start>:<slot|full>`,
// so the login path only ever touches documents by `_id`; the key itself (an address or a
// username) is not stored. `expiresAt` (the window's end) is read only by the purge.
const throttleSchema = new Schema(
  {
    _id: String,
    kind: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { ...plain, collection: 'login_throttle' },
);

/** The account models bound to a connection (registered once per connection). */
export function accountModels(connection: Connection): AccountModels {
  const model = (name: string, schema: Schema) => modelOn(connection, name, schema);
  return {
    accounts: model('Account', accountSchema),
    sessions: model('Session', sessionSchema),
    loginThrottle: model('LoginThrottle', throttleSchema),
  };
}
