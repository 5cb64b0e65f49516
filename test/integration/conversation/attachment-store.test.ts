import { randomUUID, randomBytes, createHash } from 'node:crypto';
import { connectDatabase, type Database } from '../../../src/adapters/db/connect.js';
import {
  CHUNK_BYTES,
  MongoAttachmentStore,
} from '../../../src/adapters/persistence/mongo-attachment-store.js';
import type { StoredAttachment } from '../../../src/app/attachment-service.js';

/**
 * The attachment store on the embedded database (docs/adr/0024): `_id`-keyed chunks written
 * before the metadata, read back by `_id`; a half-written upload is invisible.
 */
describe('attachment store on the embedded database', () => {
  let db: Database;
  beforeAll(async () => {
    db = await connectDatabase(process.env.TEST_MONGODB_URI as string, `att_${randomUUID().slice(0, 8)}`);
  });
  afterAll(async () => {
    await db.connection.dropDatabase();
    await db.connection.close();
  });

  const meta = (bytes: Buffer): StoredAttachment => ({
    id: randomUUID(),
    name: 'scan.pdf',
    size: bytes.length,
    contentType: 'application/pdf',
    visibility: 'internal',
    instanceId: randomUUID(),
    uploadedBy: 'luis',
    uploadedAt: new Date('2030-03-04T09:00:00Z'),
    sha256: createHash('sha256').update(bytes).digest('hex'),
  });

  test('given a file of several chunks, when saved and read, then the same bytes come back from <id>:<n> chunks', async () => {
    const store = new MongoAttachmentStore(db.connection);
    const bytes = randomBytes(2 * CHUNK_BYTES + 1234);
    const file = meta(bytes);

    await store.save(file, bytes);
    const described = await store.describe(file.id);
    const read = await store.read(described!);

    expect(described).toEqual(file);
    expect(read.equals(bytes)).toBe(true);
    const chunks = db.connection.db!.collection<{ _id: string }>('attachment_chunks');
    expect(await chunks.countDocuments({ _id: { $in: [0, 1, 2, 3].map((n) => `${file.id}:${n}`) } })).toBe(3);
  });

  test('given chunks whose metadata was never written (a crash mid-upload), when described, then nothing is visible', async () => {
    const store = new MongoAttachmentStore(db.connection);
    const file = meta(Buffer.from('half'));
    await db.connection.db!.collection<{ _id: string }>('attachment_chunks').insertOne({
      _id: `${file.id}:0`,
      data: Buffer.from('half'),
    } as never);

    expect(await store.describe(file.id)).toBeNull();
  });
});
