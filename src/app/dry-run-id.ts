/** Procedure ids of dry runs (ADR 0031, 0035): `dryrun-<12 hex>`, never listed nor reported. */
export const DRY_RUN_PREFIX = 'dryrun-';

/** True for the procedure id of a dry run. */
export function isDryRun(procedureId: string): boolean {
  return procedureId.startsWith(DRY_RUN_PREFIX);
}

/**
 * True when a list asked for by `filter` shows the record of procedure `procedureId`: dry-run
 * tickets and tasks appear only when the list names their procedure (or their instance) itself.
 */
export function listedInWork(
  procedureId: string,
  filter: { readonly procedureId?: string; readonly instanceId?: string },
): boolean {
  return !isDryRun(procedureId) || filter.procedureId === procedureId || filter.instanceId !== undefined;
}
