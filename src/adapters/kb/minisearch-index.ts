import MiniSearch from 'minisearch';
import type { ArticleHit, ArticleIndex, IndexQuery } from '../../app/knowledge-base-ports.js';
import type { ArticleVersion } from '../../domain/kb/article.js';
import { foldText, plainOfMarkdown } from '../../domain/kb/text-fold.js';

interface IndexedDoc {
  readonly key: string;
  readonly title: string;
  readonly body: string;
  readonly category: string;
}

/** Words too short to mean anything in a search (and the commonest es/it/en function words). */
const STOP_WORDS = new Set(
  'a al con da de del di e el en et il in la le lo los las non of on or per por que se the to un una y'.split(
    ' ',
  ),
);
/** Words of a query kept at most (a ticket's description can be long). */
const MAX_TERMS = 40;

function term(word: string): string | null {
  const folded = foldText(word);
  return folded.length < 2 || STOP_WORDS.has(folded) ? null : folded;
}

/**
 * The article index in process memory, on MiniSearch: titles weigh three times the body,
 * words are folded (accents, case), prefixes and one typo in longer words match.
 */
export class MiniSearchArticleIndex implements ArticleIndex {
  private readonly docs = new Map<string, ArticleVersion>();
  private readonly engine = new MiniSearch<IndexedDoc>({
    idField: 'key',
    fields: ['title', 'body', 'category'],
    processTerm: term,
    searchOptions: {
      boost: { title: 3, category: 1.5 },
      prefix: (t) => t.length >= 3,
      fuzzy: (t) => (t.length >= 5 ? 0.2 : false),
      maxFuzzy: 2,
    },
  });

  put(key: string, article: ArticleVersion): void {
    const doc = {
      key,
      title: article.title,
      body: plainOfMarkdown(article.body),
      category: article.category,
    };
    if (this.docs.has(key)) this.engine.replace(doc);
    else this.engine.add(doc);
    this.docs.set(key, article);
  }

  remove(key: string): void {
    if (!this.docs.has(key)) return;
    this.engine.discard(key);
    this.docs.delete(key);
  }

  search(query: IndexQuery): ArticleHit[] {
    const words = query.text.split(/\s+/).filter(Boolean).slice(0, MAX_TERMS).join(' ');
    const results = this.engine.search(words, {
      combineWith: query.anyWord ? 'OR' : 'AND',
      filter: (result) => {
        const article = this.docs.get(result.id as string);
        return article !== undefined && query.filter(article);
      },
    });
    return results.slice(0, query.limit).map((result) => ({
      article: this.docs.get(result.id as string) as ArticleVersion,
      score: result.score,
    }));
  }

  all(): ArticleVersion[] {
    return [...this.docs.values()];
  }
}
