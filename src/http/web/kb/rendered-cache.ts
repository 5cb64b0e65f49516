/** What a `RenderedCache` holds at most. */
export interface RenderedCacheLimits {
  /** Entries kept. */
  readonly maxEntries: number;
  /** Characters of HTML kept over all entries (an HTML longer than this is never kept). */
  readonly maxChars: number;
}

/** How a `RenderedCache` is doing (for tests and monitoring). */
export interface RenderedCacheStats {
  readonly entries: number;
  readonly chars: number;
  readonly hits: number;
  readonly misses: number;
}

/**
 * A bounded in-process map of content key → rendered HTML; the least recently used entries are
 * dropped first once over either limit. Forgetting is always safe: the caller renders again.
 */
export class RenderedCache {
  private readonly entries = new Map<string, string>();
  private chars = 0;
  private hits = 0;
  private misses = 0;

  constructor(private readonly limits: RenderedCacheLimits) {}

  /** The HTML stored under `key`, now the most recently used, or undefined. */
  get(key: string): string | undefined {
    const html = this.entries.get(key);
    if (html === undefined) {
      this.misses += 1;
      return undefined;
    }
    this.hits += 1;
    // Map keeps insertion order: re-inserting moves the entry to the young end.
    this.entries.delete(key);
    this.entries.set(key, html);
    return html;
  }

  /** Stores `html` under `key`, then drops the oldest entries until both limits hold. */
  set(key: string, html: string): void {
    this.forget(key);
    if (html.length > this.limits.maxChars) return;
    this.entries.set(key, html);
    this.chars += html.length;
    while (this.entries.size > this.limits.maxEntries || this.chars > this.limits.maxChars) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.forget(oldest);
    }
  }

  /** Entries and characters kept now, and lookups answered (`hits`) or not since the start. */
  stats(): RenderedCacheStats {
    return { entries: this.entries.size, chars: this.chars, hits: this.hits, misses: this.misses };
  }

  private forget(key: string): void {
    const html = this.entries.get(key);
    if (html === undefined) return;
    this.entries.delete(key);
    this.chars -= html.length;
  }
}
