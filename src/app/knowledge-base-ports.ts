import type { ArticleVersion } from '../domain/kb/article.js';
import type { Checklist } from '../domain/kb/checklist.js';

/** Which versions of an article are its newest and its newest published one. */
export interface ArticlePointer {
  readonly articleId: string;
  readonly latest: number;
  readonly published?: number;
}

/** Article versions (immutable, `_id` = `<articleId>:<version>`) and one pointer per article (`_id` = articleId). */
export interface ArticleStore {
  /** Inserts a new version; CONFLICT when that version already exists (someone else saved first). */
  insert(version: ArticleVersion): Promise<void>;
  /** Writes the article's pointer (an `_id` upsert). */
  setPointer(pointer: ArticlePointer, at: Date): Promise<void>;
  /** The pointer of one article, read by `_id`. */
  pointer(articleId: string): Promise<ArticlePointer | undefined>;
  /** Every pointer: one full read of the (small) pointer collection, at startup and on reload. */
  allPointers(): Promise<ArticlePointer[]>;
  /** One version by `_id`. */
  version(articleId: string, version: number): Promise<ArticleVersion | undefined>;
}

/** A search hit. */
export interface ArticleHit {
  readonly article: ArticleVersion;
  readonly score: number;
}

/** What a search asks the in-process index. */
export interface IndexQuery {
  /** Free text; empty means "no text condition" (then only `boost` and `filter` decide). */
  readonly text: string;
  /** Match any word (suggestions from a ticket's description) instead of all words. */
  readonly anyWord?: boolean;
  readonly filter: (article: ArticleVersion) => boolean;
  readonly limit: number;
}

/** The in-process full-text index of article versions (the embedded database has no text index). */
export interface ArticleIndex {
  /** Adds or replaces the document `key` (one per article and visibility). */
  put(key: string, article: ArticleVersion): void;
  remove(key: string): void;
  search(query: IndexQuery): ArticleHit[];
  /** Every indexed document (for lists without text). */
  all(): ArticleVersion[];
}

/** Checklists attached to diagram steps (loaded from configuration). */
export interface ChecklistCatalog {
  forStep(procedureId: string, activityId: string): readonly Checklist[];
}
