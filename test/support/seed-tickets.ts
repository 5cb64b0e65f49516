import { randomUUID } from 'node:crypto';
import { BSON, type Document } from 'mongodb';
import type { Actor } from '../../src/domain/actor.js';
import { inPool } from './child-app.js';
import type { TestApp } from './harness.js';

/** Collections holding a started ticket, and how a ticket's documents are found in each. */
const BY_INSTANCE = ['instance_events', 'tasks', 'outbox'] as const;

/** A seeded ticket: its instance id and the ids of its open tasks. */
export interface SeededTicket {
  readonly id: string;
  readonly openTaskIds: readonly string[];
}

/**
 * Fills the database with `count` started tickets quickly: `templates` of them are opened
 * through the app's own service (concurrency 8), the rest are copies of those documents (head,
 * log, task, message) with new ids and ticket numbers `<prefix>-SEED-<n>`, written with
 * insertMany. Copies are as real as the originals to every query, collection scan and step.
 * Returns the tickets, those opened through the service first.
 */
export async function seedTickets(
  app: TestApp,
  procedureId: string,
  input: Record<string, unknown>,
  actor: Actor,
  count: number,
  templates = Math.min(count, 100),
): Promise<SeededTicket[]> {
  const started = await inPool(Array.from({ length: templates }), 8, () =>
    app.app.services.instances.start(procedureId, input, actor),
  );
  const db = app.app.database.connection.db!;
  const ids = started.map((instance) => instance.id);
  const heads = await db
    .collection('instances')
    .find({ _id: { $in: ids } } as Document)
    .toArray();
  const parts = await Promise.all(
    BY_INSTANCE.map((name) =>
      db
        .collection(name)
        .find({ instanceId: { $in: ids } })
        .toArray(),
    ),
  );
  const bundles = started.map((instance) => ({
    instance,
    text: BSON.EJSON.stringify({
      instances: heads.filter((doc) => String(doc._id) === instance.id),
      ...Object.fromEntries(
        BY_INSTANCE.map((name, i) => [name, parts[i]!.filter((doc) => doc.instanceId === instance.id)]),
      ),
    }),
  }));
  const seeded: SeededTicket[] = started.map(({ id, openTaskIds }) => ({ id, openTaskIds }));
  const copies = count - templates;
  for (let from = 0; from < copies; from += 500) {
    const batch: Record<string, Document[]> = {};
    for (let n = from; n < Math.min(copies, from + 500); n++) {
      const { instance, text } = bundles[n % bundles.length]!;
      const id = randomUUID();
      const prefix = instance.businessKey.split('-')[0];
      const copy = text
        .replaceAll(instance.id, id)
        .replaceAll(instance.businessKey, `${prefix}-SEED-${String(n + 1).padStart(6, '0')}`);
      for (const [name, docs] of Object.entries(BSON.EJSON.parse(copy) as Record<string, Document[]>))
        (batch[name] ??= []).push(...docs);
      seeded.push({ id, openTaskIds: instance.openTaskIds.map((taskId) => taskId.replace(instance.id, id)) });
    }
    await Promise.all(
      Object.entries(batch).map(([name, docs]) => db.collection(name).insertMany(docs, { ordered: false })),
    );
  }
  return seeded;
}
