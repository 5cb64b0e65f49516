/**
 * The requester directory's institutional accounts as a synchronous check for the form validator
 * (docs/adr/0030): the institutional-email rule also accepts an address whose requester is flagged
 * institutional. Kept in memory; refreshed after each change in this process and, when older than
 * `maxAgeMs`, in the background (so other processes' edits apply within that time).
 */
import type { Clock } from '../domain/clock.js';

/** Institutional addresses of the directory, cached. */
export class InstitutionalAccounts {
  private addresses: ReadonlySet<string> = new Set();
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly load: () => Promise<readonly string[]>,
    private readonly clock: Clock,
    private readonly maxAgeMs = 30_000,
  ) {}

  /** True when the (lower-case) address belongs to an institutional requester, as last loaded. */
  readonly has = (address: string): boolean => {
    if (this.clock.now().getTime() - this.loadedAt > this.maxAgeMs)
      void this.refresh().catch(() => undefined);
    return this.addresses.has(address.trim().toLowerCase());
  };

  /** Reloads the addresses (one load at a time). */
  refresh(): Promise<void> {
    this.loading ??= this.load()
      .then((addresses) => {
        this.addresses = new Set(addresses);
        this.loadedAt = this.clock.now().getTime();
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}
