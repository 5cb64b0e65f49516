import { Schema, type Connection, type Model } from 'mongoose';
import type { ArticlePointer, ArticleStore } from '../../app/knowledge-base-ports.js';
import { AppError } from '../../domain/errors.js';
import { versionKey, type ArticleVersion } from '../../domain/kb/article.js';
import { isDuplicateKey, modelOn } from './models.js';

const plain = { versionKey: false, strict: true } as const;
const versionSchema = new Schema(
  {
    _id: String,
    articleId: String,
    version: Number,
    status: String,
    title: String,
    body: String,
    kind: String,
    language: String,
    category: String,
    procedureIds: [String],
    activityIds: [String],
    public: Boolean,
    author: String,
    createdAt: Date,
    sourceTaskId: String,
  },
  { ...plain, collection: 'kb_articles' },
);
const pointerSchema = new Schema(
  { _id: String, latest: Number, published: Number, updatedAt: Date },
  { ...plain, collection: 'kb_current' },
);

/** Most articles a pointer scan returns (the knowledge base is small; see ADR 0023). */
const MAX_ARTICLES = 20_000;

/**
 * Article versions in `kb_articles` (`_id` = `<articleId>:<version>`, immutable, inserted once)
 * and one pointer per article in `kb_current` (`_id` = articleId). Every read is by `_id`
 * except `allPointers`, the one scan of the small pointer collection at startup and reload.
 */
export class MongoArticleStore implements ArticleStore {
  private readonly versions: Model<Record<string, unknown>>;
  private readonly pointers: Model<Record<string, unknown>>;

  constructor(connection: Connection) {
    this.versions = modelOn(connection, 'KbArticleVersion', versionSchema);
    this.pointers = modelOn(connection, 'KbCurrent', pointerSchema);
  }

  async insert(version: ArticleVersion): Promise<void> {
    try {
      await this.versions.create({ _id: versionKey(version.articleId, version.version), ...version });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      throw new AppError(
        'CONFLICT',
        `article <${version.articleId}> version ${version.version} was saved by someone else first`,
      );
    }
  }

  async setPointer(pointer: ArticlePointer, at: Date): Promise<void> {
    const published = pointer.published ?? null;
    await this.pointers
      .updateOne(
        { _id: pointer.articleId },
        { $set: { latest: pointer.latest, published, updatedAt: at } },
        { upsert: true },
      )
      .exec();
  }

  async pointer(articleId: string): Promise<ArticlePointer | undefined> {
    const doc = await this.pointers.findOne({ _id: articleId }).lean();
    return doc ? toPointer(doc) : undefined;
  }

  async allPointers(): Promise<ArticlePointer[]> {
    const docs = await this.pointers.find({}).limit(MAX_ARTICLES).lean();
    return docs.map(toPointer);
  }

  async version(articleId: string, version: number): Promise<ArticleVersion | undefined> {
    const doc = await this.versions.findOne({ _id: versionKey(articleId, version) }).lean();
    if (!doc) return undefined;
    const { sourceTaskId, ...rest } = doc as Record<string, unknown>;
    delete rest._id;
    return {
      ...(rest as unknown as ArticleVersion),
      createdAt: new Date(rest.createdAt as Date),
      procedureIds: (rest.procedureIds as string[] | undefined) ?? [],
      activityIds: (rest.activityIds as string[] | undefined) ?? [],
      ...(typeof sourceTaskId === 'string' ? { sourceTaskId } : {}),
    };
  }
}

function toPointer(doc: Record<string, unknown>): ArticlePointer {
  const published = typeof doc.published === 'number' ? doc.published : undefined;
  return { articleId: String(doc._id), latest: Number(doc.latest), ...(published ? { published } : {}) };
}
