/**
 * A bounded map of `_id` → the last value this process saw for it (oldest dropped first). Used to
 * skip re-reading a document this process itself just read or wrote in the same step
 * (issue 10, round-trip diet). Forgetting is always safe: the caller then reads the database.
 */
export class RecentById<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly capacity: number) {}

  get(id: string): V | undefined {
    return this.entries.get(id);
  }

  set(id: string, value: V): void {
    this.entries.delete(id);
    this.entries.set(id, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  delete(id: string): void {
    this.entries.delete(id);
  }
}
