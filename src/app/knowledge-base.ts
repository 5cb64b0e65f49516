import { randomUUID } from 'node:crypto';
import { hasRole, type Actor } from '../domain/actor.js';
import type { Clock } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import {
  isArticleId,
  newArticleId,
  parseArticleContent,
  type ArticleContent,
  type ArticleLanguage,
  type ArticleStatus,
  type ArticleVersion,
} from '../domain/kb/article.js';
import { requireAnyRole } from './authorization.js';
import type { ArticleIndex, ArticlePointer, ArticleStore, ChecklistCatalog } from './knowledge-base-ports.js';
import { kbSearch, type KbSearchQuery, type KbSearchResult } from './knowledge-base-search.js';

/** Roles that write and publish articles; agents read published ones. */
const EDITORS = ['analyst', 'supervisor'] as const;
const READERS = ['agent', 'analyst', 'supervisor'] as const;
/** Another process's edits show in this process's search after at most this long. */
const RELOAD_AFTER_MS = 60_000;
/** Versions probed past a pointer that a crash or a slow writer left behind. */
const ROLL_FORWARD = 5;

/** An article as one reader sees it: the version shown plus where it stands. */
export interface ArticleView {
  readonly article: ArticleVersion;
  readonly pointer: ArticlePointer;
}

/**
 * The knowledge base: articles with immutable versions, drafts reviewed and published by
 * analysts and supervisors, an in-process search index loaded at start (docs/adr/0023).
 */
export class KnowledgeBaseService {
  private loadedAt = -Infinity;
  private loading: Promise<void> | undefined;
  /** The pointer each indexed article was indexed at, so a reload reads only what changed. */
  private readonly indexed = new Map<string, ArticlePointer>();

  constructor(
    private readonly deps: {
      readonly store: ArticleStore;
      readonly index: ArticleIndex;
      readonly checklists: ChecklistCatalog;
      readonly clock: Clock;
    },
  ) {}

  /** Checklists offered on a step. */
  checklistsFor(procedureId: string, activityId: string) {
    return this.deps.checklists.forStep(procedureId, activityId);
  }

  /** Loads every article's current versions into the index (startup; later when stale). */
  async load(): Promise<void> {
    this.loading ??= this.reload().finally(() => {
      this.loading = undefined;
    });
    await this.loading;
  }

  /** True when the actor may see drafts and write. */
  static isEditor(actor: Actor): boolean {
    return EDITORS.some((role) => hasRole(actor, role));
  }

  /** Creates an article as a draft (version 1). */
  async create(input: unknown, actor: Actor, extra: { sourceTaskId?: string } = {}): Promise<ArticleVersion> {
    requireAnyRole(actor, extra.sourceTaskId ? [...READERS] : [...EDITORS]);
    const content = parseArticleContent(input);
    const articleId = newArticleId(content.title, randomUUID());
    return this.save(articleId, undefined, { ...content }, 'draft', actor, extra.sourceTaskId);
  }

  /** Saves an edit as a new draft version; `baseVersion` is the version the author edited. */
  async edit(articleId: string, baseVersion: number, input: unknown, actor: Actor): Promise<ArticleVersion> {
    requireAnyRole(actor, [...EDITORS]);
    const pointer = await this.pointerOf(articleId);
    if (pointer.latest !== baseVersion) throw staleEdit(articleId, baseVersion, pointer.latest);
    return this.save(articleId, pointer, parseArticleContent(input), 'draft', actor);
  }

  /** Publishes the newest version: a new immutable version with status published. */
  async publish(articleId: string, baseVersion: number, actor: Actor): Promise<ArticleVersion> {
    requireAnyRole(actor, [...EDITORS]);
    const pointer = await this.pointerOf(articleId);
    if (pointer.latest !== baseVersion) throw staleEdit(articleId, baseVersion, pointer.latest);
    const latest = await this.versionOf(articleId, pointer.latest);
    if (latest.status === 'published') return latest;
    return this.save(articleId, pointer, contentOf(latest), 'published', actor, latest.sourceTaskId);
  }

  /**
   * Withdraws the published article: a new immutable version with status withdrawn, so agents,
   * the FAQ page and search no longer show it; its history stays, and publishing again restores it.
   */
  async withdraw(articleId: string, baseVersion: number, actor: Actor): Promise<ArticleVersion> {
    requireAnyRole(actor, [...EDITORS]);
    const pointer = await this.pointerOf(articleId);
    if (pointer.latest !== baseVersion) throw staleEdit(articleId, baseVersion, pointer.latest);
    const latest = await this.versionOf(articleId, pointer.latest);
    if (latest.status === 'withdrawn') return latest;
    if (pointer.published === undefined) {
      throw new AppError('CONFLICT', `article <${articleId}> is not published`);
    }
    return this.save(articleId, pointer, contentOf(latest), 'withdrawn', actor, latest.sourceTaskId);
  }

  /** The version a reader sees: agents the published one, editors the newest (or the one asked for). */
  async get(articleId: string, actor: Actor, version?: number): Promise<ArticleView> {
    requireAnyRole(actor, [...READERS]);
    const pointer = await this.pointerOf(articleId);
    const editor = KnowledgeBaseService.isEditor(actor);
    const shown = version ?? (editor ? pointer.latest : pointer.published);
    if (shown === undefined || shown < 1 || shown > pointer.latest) throw notFound(articleId);
    const article = await this.versionOf(articleId, shown);
    if (!editor && article.status !== 'published') throw notFound(articleId);
    return { article, pointer };
  }

  /** Every version of an article, newest first (editors; `_id` reads, bounded by the count). */
  async versions(articleId: string, actor: Actor): Promise<ArticleVersion[]> {
    requireAnyRole(actor, [...EDITORS]);
    const pointer = await this.pointerOf(articleId);
    const numbers = Array.from({ length: Math.min(pointer.latest, 200) }, (_, i) => pointer.latest - i);
    const found = await Promise.all(numbers.map((n) => this.deps.store.version(articleId, n)));
    return found.filter((v): v is ArticleVersion => v !== undefined);
  }

  /** Full-text search (see `kbSearch`); drafts only for editors who ask for them. */
  async search(query: KbSearchQuery, actor: Actor): Promise<KbSearchResult[]> {
    requireAnyRole(actor, [...READERS]);
    await this.freshIndex();
    const drafts = query.includeDrafts === true && KnowledgeBaseService.isEditor(actor);
    return kbSearch(this.deps.index, { ...query, includeDrafts: drafts });
  }

  /** Published public articles of a procedure in a language: the FAQ page (anyone). */
  async publicFaq(procedureId: string, language: ArticleLanguage): Promise<ArticleVersion[]> {
    await this.freshIndex();
    return this.deps.index
      .all()
      .filter((a) => a.status === 'published' && a.public && a.language === language)
      .filter((a) => a.procedureIds.includes(procedureId))
      .sort((a, b) => a.title.localeCompare(b.title));
  }

  /** Published FAQ and glossary articles for the quarterly export (supervisors and analysts). */
  async exportEntries(filter: { procedureId?: string; language?: ArticleLanguage }, actor: Actor) {
    requireAnyRole(actor, [...EDITORS]);
    await this.freshIndex();
    return this.deps.index
      .all()
      .filter((a) => a.status === 'published' && (a.kind === 'faq' || a.kind === 'glossary'))
      .filter((a) => !filter.language || a.language === filter.language)
      .filter((a) => !filter.procedureId || a.procedureIds.includes(filter.procedureId));
  }

  private async save(
    articleId: string,
    pointer: ArticlePointer | undefined,
    content: ArticleContent,
    status: ArticleVersion['status'],
    actor: Actor,
    sourceTaskId?: string,
  ): Promise<ArticleVersion> {
    const version: ArticleVersion = {
      ...content,
      articleId,
      version: (pointer?.latest ?? 0) + 1,
      status,
      author: actor.id,
      createdAt: this.deps.clock.now(),
      ...(sourceTaskId ? { sourceTaskId } : {}),
    };
    await this.deps.store.insert(version);
    const published = publishedAfter(status, version.version, pointer?.published);
    const next: ArticlePointer = { articleId, latest: version.version, ...(published ? { published } : {}) };
    await this.deps.store.setPointer(next, version.createdAt);
    const previous =
      published && pointer?.published
        ? await this.deps.store.version(articleId, pointer.published)
        : undefined;
    this.indexArticle(next, version, status === 'published' ? version : previous);
    return version;
  }

  private indexArticle(pointer: ArticlePointer, latest: ArticleVersion, published?: ArticleVersion): void {
    const { index } = this.deps;
    this.indexed.set(pointer.articleId, pointer);
    if (published) index.put(`p:${pointer.articleId}`, published);
    else index.remove(`p:${pointer.articleId}`);
    if (latest.status === 'draft') index.put(`d:${pointer.articleId}`, latest);
    else index.remove(`d:${pointer.articleId}`);
  }

  /** The pointer, rolled forward past versions a crash or a slower writer left unpointed. */
  private async pointerOf(articleId: string): Promise<ArticlePointer> {
    if (!isArticleId(articleId)) throw notFound(articleId);
    const stored = await this.deps.store.pointer(articleId);
    if (!stored) throw notFound(articleId);
    let pointer = stored;
    for (let i = 0; i < ROLL_FORWARD; i += 1) {
      const next = await this.deps.store.version(articleId, pointer.latest + 1);
      if (!next) break;
      const published = publishedAfter(next.status, next.version, pointer.published);
      pointer = { articleId, latest: next.version, ...(published ? { published } : {}) };
    }
    return pointer;
  }

  private async versionOf(articleId: string, version: number): Promise<ArticleVersion> {
    const found = await this.deps.store.version(articleId, version);
    if (!found) throw notFound(articleId);
    return found;
  }

  /**
   * Loads the index on first use; later, once it is older than RELOAD_AFTER_MS (other processes'
   * edits), reloads it in the background while searches use the current one.
   */
  private async freshIndex(): Promise<void> {
    if (this.loadedAt === -Infinity) return this.load();
    const stale = this.deps.clock.now().getTime() - this.loadedAt > RELOAD_AFTER_MS;
    if (stale && !this.loading) void this.load().catch(() => undefined);
  }

  /** Reads the pointers (one scan of a small collection) and the versions of changed articles. */
  private async reload(): Promise<void> {
    const startedAt = this.deps.clock.now().getTime();
    const pointers = await this.deps.store.allPointers();
    for (const pointer of pointers) {
      if (!isNewer(pointer, this.indexed.get(pointer.articleId))) continue;
      const [latest, published] = await Promise.all([
        this.deps.store.version(pointer.articleId, pointer.latest),
        pointer.published ? this.deps.store.version(pointer.articleId, pointer.published) : undefined,
      ]);
      if (latest) this.indexArticle(pointer, latest, published);
    }
    this.loadedAt = startedAt;
  }
}

/** True when the stored pointer is ahead of the indexed one (a reload never goes back). */
function isNewer(stored: ArticlePointer, indexed: ArticlePointer | undefined): boolean {
  return !indexed || stored.latest > indexed.latest;
}

function contentOf(version: ArticleVersion): ArticleContent {
  const { title, body, kind, language, category, procedureIds, activityIds } = version;
  return { title, body, kind, language, category, procedureIds, activityIds, public: version.public };
}

function notFound(articleId: string): AppError {
  return new AppError('ARTICLE_NOT_FOUND', `article <${articleId.slice(0, 100)}> not found`);
}

function staleEdit(articleId: string, base: number, latest: number): AppError {
  return new AppError(
    'CONFLICT',
    `article <${articleId}> changed: you edited version ${base}, the newest is ${latest}`,
  );
}

/** The published version once a version with `status` is stored: it, none (withdrawn), or unchanged. */
function publishedAfter(status: ArticleStatus, version: number, before?: number): number | undefined {
  if (status === 'published') return version;
  return status === 'withdrawn' ? undefined : before;
}
