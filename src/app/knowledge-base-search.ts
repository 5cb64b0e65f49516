import { AppError } from '../domain/errors.js';
import type { ArticleLanguage, ArticleVersion } from '../domain/kb/article.js';
import type { ArticleHit, ArticleIndex } from './knowledge-base-ports.js';

/** Longest query a reader may type; longer ones are refused (suggestions truncate instead). */
export const MAX_QUERY_LENGTH = 200;
/** Longest ticket text a suggestion reads. */
const MAX_SUGGEST_TEXT = 600;

/** A knowledge-base search. */
export interface KbSearchQuery {
  readonly q?: string;
  readonly procedureId?: string;
  /** Articles linked to this step rank first. */
  readonly activityId?: string;
  readonly language?: ArticleLanguage;
  readonly category?: string;
  readonly kind?: string;
  readonly includeDrafts?: boolean;
  /** Suggestions: `q` is a ticket's text; any word may match and it is truncated, not refused. */
  readonly suggest?: boolean;
  readonly limit?: number;
}

/** One result: the version found and whether it is linked to the step asked about. */
export interface KbSearchResult {
  readonly article: ArticleVersion;
  readonly score: number;
  readonly linkedToStep: boolean;
}

/**
 * Searches the index: text matches (accent- and case-insensitive, prefixes, small typos)
 * filtered by procedure, language, category and kind; articles linked to `activityId`
 * come first (suggestions include them even when no word matches), then by score.
 */
export function kbSearch(index: ArticleIndex, query: KbSearchQuery): KbSearchResult[] {
  const raw = (query.q ?? '').trim();
  if (!query.suggest && raw.length > MAX_QUERY_LENGTH) {
    throw new AppError('VALIDATION_FAILED', `search text is longer than ${MAX_QUERY_LENGTH} characters`, [
      { path: 'q', reason: 'maxLength', message: `at most ${MAX_QUERY_LENGTH} characters` },
    ]);
  }
  const text = query.suggest ? raw.slice(0, MAX_SUGGEST_TEXT) : raw;
  const limit = Math.max(1, Math.min(query.limit ?? 20, 50));
  const filter = (a: ArticleVersion) =>
    (a.status === 'published' || query.includeDrafts === true) &&
    (!query.procedureId || a.procedureIds.includes(query.procedureId) || a.procedureIds.length === 0) &&
    (!query.language || a.language === query.language) &&
    (!query.category || a.category === query.category) &&
    (!query.kind || a.kind === query.kind);
  const linked = (a: ArticleVersion) =>
    query.activityId !== undefined &&
    a.activityIds.includes(query.activityId) &&
    (!query.procedureId || a.procedureIds.includes(query.procedureId));
  const hits: ArticleHit[] = text
    ? index.search({ text, anyWord: query.suggest === true, filter, limit: 200 })
    : index
        .all()
        .filter(filter)
        .map((article) => ({ article, score: 0 }));
  // Suggestions always offer the step's own articles; a typed search shows only what matches.
  if (query.activityId && (query.suggest || !text)) {
    const found = new Set(hits.map((hit) => hit.article.articleId));
    for (const article of index.all())
      if (!found.has(article.articleId) && filter(article) && linked(article))
        hits.push({ article, score: 0 });
  }
  const results = dedupe(hits.map((hit) => ({ ...hit, linkedToStep: linked(hit.article) })));
  results.sort(
    (a, b) =>
      Number(b.linkedToStep) - Number(a.linkedToStep) ||
      b.score - a.score ||
      a.article.title.localeCompare(b.article.title),
  );
  return results.slice(0, limit);
}

/** One result per article: its draft (editors) or its published version, whichever scored higher. */
function dedupe(results: KbSearchResult[]): KbSearchResult[] {
  const best = new Map<string, KbSearchResult>();
  for (const result of results) {
    const seen = best.get(result.article.articleId);
    if (!seen || result.score > seen.score) best.set(result.article.articleId, result);
  }
  return [...best.values()];
}
