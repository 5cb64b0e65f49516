import type { FieldIssue } from '../../../domain/errors.js';
import type { ProcedureVersion } from '../../../domain/procedure.js';

/** Version metadata without the XML, as the repository lists it. */
export type VersionMeta = Omit<ProcedureVersion, 'xml'>;

/** Base URL of one procedure's analyst pages. */
export function procedureUrl(procedureId: string): string {
  return `/analyst/procedures/${encodeURIComponent(procedureId)}`;
}

/** One row of the procedures list. */
export interface ProcedureRow {
  readonly procedureId: string;
  readonly name: string;
  readonly version: number;
  readonly deployedAt: Date;
  readonly deployedBy: string;
  readonly warningCount: number;
  readonly versionsUrl: string;
  readonly modelerUrl: string;
}

/** Rows of the procedures list, sorted by procedure id. */
export function procedureRows(latest: readonly VersionMeta[]): ProcedureRow[] {
  return [...latest]
    .sort((a, b) => a.procedureId.localeCompare(b.procedureId))
    .map((version) => ({
      procedureId: version.procedureId,
      name: version.catalog.name,
      version: version.version,
      deployedAt: version.deployedAt,
      deployedBy: version.deployedBy,
      warningCount: version.warnings.length,
      versionsUrl: `${procedureUrl(version.procedureId)}/versions`,
      modelerUrl: `${procedureUrl(version.procedureId)}/modeler`,
    }));
}

/** One row of a procedure's versions list. */
export interface VersionRow {
  readonly version: number;
  readonly current: boolean;
  readonly deployedAt: Date;
  readonly deployedBy: string;
  readonly hash: string;
  readonly shortHash: string;
  readonly warnings: readonly FieldIssue[];
  readonly downloadUrl: string;
  readonly viewUrl: string;
}

/** Rows of the versions list, newest first; the newest is the current one. */
export function versionRows(versions: readonly VersionMeta[]): VersionRow[] {
  const sorted = [...versions].sort((a, b) => b.version - a.version);
  return sorted.map((version, index) => ({
    version: version.version,
    current: index === 0,
    deployedAt: version.deployedAt,
    deployedBy: version.deployedBy,
    hash: version.contentHash,
    shortHash: version.contentHash.slice(0, 12),
    warnings: version.warnings,
    downloadUrl: `${procedureUrl(version.procedureId)}/versions/${version.version}.bpmn`,
    viewUrl: `${procedureUrl(version.procedureId)}/versions/${version.version}`,
  }));
}
