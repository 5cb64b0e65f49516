import { ARTICLE_KINDS, ARTICLE_LANGUAGES, type ArticleVersion } from '../../../domain/kb/article.js';
import type { KbSearchResult } from '../../../app/knowledge-base-search.js';
import { renderMarkdown } from './markdown.js';

/** Characters of an article shown as its excerpt in lists. */
const EXCERPT = 180;

/** A list row: title, excerpt and labels (every string escaped by the templates). */
export function articleRow(article: ArticleVersion, linkedToStep = false) {
  const plain = article.body
    .replace(/[#*_`>[\]()!|~-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return {
    href: `/kb/${encodeURIComponent(article.articleId)}`,
    articleId: article.articleId,
    title: article.title,
    excerpt: plain.length > EXCERPT ? `${plain.slice(0, EXCERPT)}…` : plain,
    kind: article.kind,
    language: article.language,
    category: article.category,
    status: article.status,
    draft: article.status === 'draft',
    version: article.version,
    procedureIds: article.procedureIds.join(', '),
    linkedToStep,
  };
}

/** Rows of search results. */
export function resultRows(results: readonly KbSearchResult[]) {
  return results.map((result) => articleRow(result.article, result.linkedToStep));
}

/** The article page's model: safe HTML of the body plus its fields. */
export async function articleDetail(article: ArticleVersion) {
  return {
    ...articleRow(article),
    html: await renderMarkdown(article.body),
    activityIds: article.activityIds.join(', '),
    public: article.public,
    author: article.author,
    createdAt: article.createdAt,
    sourceTaskId: article.sourceTaskId,
  };
}

/** Options of the kind and language selects, with the current one marked. */
export function choices(kind?: string, language?: string) {
  return {
    kinds: ARTICLE_KINDS.map((value) => ({ value, selected: value === kind })),
    languages: ARTICLE_LANGUAGES.map((value) => ({ value, selected: value === language })),
  };
}

/** One string query parameter, bounded, or undefined. */
export function param(query: unknown, name: string, max = 200): string | undefined {
  const value = (query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, max) : undefined;
}
