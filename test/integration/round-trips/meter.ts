import type { MongoClient } from 'mongodb';

/** Commands that are the driver's own housekeeping, not the app's round trips. */
const HOUSEKEEPING = new Set(['hello', 'ismaster', 'isMaster', 'ping', 'endSessions', 'buildInfo']);

/** How many commands of one name went to one collection. */
export interface RoundTripRow {
  readonly command: string;
  readonly collection: string;
  readonly count: number;
}

/** The commands one measured piece of work sent. */
export interface RoundTrips {
  readonly total: number;
  readonly rows: readonly RoundTripRow[];
}

/**
 * Counts the MongoDB commands the app sends, through the driver's command monitoring
 * (`commandStarted`; the client must be created with `monitorCommands=true`, see `monitoredUri`).
 * Counting is deterministic where timings on a shared machine are not.
 */
export class RoundTripMeter {
  private current: Map<string, number> | undefined;
  private readonly listener = (event: { commandName: string; command: Record<string, unknown> }) => {
    if (!this.current || HOUSEKEEPING.has(event.commandName)) return;
    const target = event.command[event.commandName];
    const collection = typeof target === 'string' ? target : '-';
    const key = `${event.commandName}\u0000${collection}`;
    this.current.set(key, (this.current.get(key) ?? 0) + 1);
  };

  constructor(private readonly client: MongoClient) {
    client.on('commandStarted', this.listener);
  }

  /** Runs `work` and returns the commands it sent (any other work running meanwhile counts too). */
  async measure(work: () => Promise<unknown>): Promise<RoundTrips> {
    this.current = new Map();
    try {
      await work();
      return summarise(this.current);
    } finally {
      this.current = undefined;
    }
  }

  /** Stops listening. */
  close(): void {
    this.client.off('commandStarted', this.listener);
  }
}

/**
 * App environment with its background loops quiet (reconciler, timer sweep, report job, the batched
 * marker delete: each once an hour), so what a measurement counts is the step's own work.
 */
export const QUIET_BACKGROUND = {
  HELPDESK_RECONCILE_EVERY_MS: '3600000',
  HELPDESK_TIMER_SWEEP_MS: '3600000',
  HELPDESK_REPORT_JOB_EVERY_MS: '3600000',
  HELPDESK_MARKER_FLUSH_MS: '3600000',
} as const;

/** The URI with command monitoring switched on (a connection-string option of the driver). */
export function monitoredUri(uri: string): string {
  return `${uri}${uri.includes('?') ? '&' : '?'}monitorCommands=true`;
}

/** A printable table of one step's commands, busiest first. */
export function formatRoundTrips(step: string, trips: RoundTrips): string {
  const lines = trips.rows.map(
    (row) => `  ${String(row.count).padStart(3)}  ${row.command} ${row.collection}`,
  );
  return [`${step}: ${trips.total} round trips`, ...lines].join('\n');
}

function summarise(counts: Map<string, number>): RoundTrips {
  const rows = [...counts].map(([key, count]) => {
    const [command = '', collection = ''] = key.split('\u0000');
    return { command, collection, count };
  });
  rows.sort((a, b) => b.count - a.count || a.collection.localeCompare(b.collection));
  return { total: rows.reduce((sum, row) => sum + row.count, 0), rows };
}
