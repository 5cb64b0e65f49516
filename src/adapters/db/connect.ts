import mongoose, { type Connection } from 'mongoose';
import { bindModels, ensureIndexes, type Models } from '../persistence/models.js';

/** An open database connection with the app's models bound and indexes ensured. */
export interface Database {
  readonly connection: Connection;
  readonly models: Models;
  close(): Promise<void>;
}

/**
 * Connects to MongoDB or FerretDB. Retryable writes are off because FerretDB v1
 * has no transactions/sessions to support them.
 */
export async function connectDatabase(uri: string, dbName: string): Promise<Database> {
  const connection = mongoose.createConnection(uri, {
    dbName,
    retryWrites: false,
    serverSelectionTimeoutMS: 10_000,
    autoIndex: false,
  });
  await connection.asPromise();
  const models = bindModels(connection);
  await ensureIndexes(models);
  return { connection, models, close: () => connection.close() };
}
