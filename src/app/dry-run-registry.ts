/** One dry run as every app process sees it (collection `dry_runs`, `_id` = instance id; ADR 0035). */
export interface DryRunRecord {
  readonly instanceId: string;
  readonly procedureId: string;
  readonly definitionId: string;
  readonly actor: string;
  readonly startedAt: Date;
  /** After this instant any process's sweep cancels the run and deletes its generated forms. */
  readonly expiresAt: Date;
  /** Send tasks whose email the dry run dropped. */
  readonly silenced: readonly string[];
  /** Form keys generated from `camunda:formData` at its deploy (deleted with the run). */
  readonly formKeys: readonly string[];
}

/**
 * Where dry runs are registered, so their expiry works from any process (not only the one that
 * started them). Only live runs are kept: a run is removed once ended or swept, so the list a
 * sweep reads stays small (at most {@link MAX_LIVE_DRY_RUNS}).
 */
export interface DryRunRegistry {
  /** Registers the run, or replaces its row (an `_id` upsert): registered before anything exists. */
  put(run: DryRunRecord): Promise<void>;
  /** The run by its instance id (an `_id` read), or null once ended or swept. */
  get(instanceId: string): Promise<DryRunRecord | null>;
  /** The live runs whose expiry is at or before `now`, at most `limit`. */
  expired(now: Date, limit: number): Promise<DryRunRecord[]>;
  /** How many runs are live (bounded count of the small collection). */
  live(limit: number): Promise<number>;
  remove(instanceId: string): Promise<void>;
  /** Deletes every version and the head of each generated form (`form_versions`, by `_id`). */
  dropForms(formKeys: readonly string[]): Promise<void>;
}

/** Live dry runs at most: a further start is refused until some end or expire. */
export const MAX_LIVE_DRY_RUNS = 500;
