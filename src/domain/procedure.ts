/** Plain-data view of a deployed procedure version, as stored and as the runtime needs it. */

/** A user task as declared in the BPMN file. */
export interface UserTaskSpec {
  readonly id: string;
  readonly name: string;
  readonly laneId?: string;
  readonly formKey?: string;
  readonly candidateGroups: readonly string[];
  readonly assignee?: string;
}

/** A send task: renders a message template when reached. */
export interface SendTaskSpec {
  readonly id: string;
  readonly name: string;
  readonly template?: string;
  readonly to?: string;
}

/** What the runtime needs to know about a procedure beyond what the engine reads itself. */
export interface ProcedureCatalog {
  readonly procedureId: string;
  readonly processId: string;
  readonly name: string;
  readonly ticketPrefix: string;
  readonly language: string;
  readonly startFormKey?: string;
  readonly userTasks: Readonly<Record<string, UserTaskSpec>>;
  readonly sendTasks: Readonly<Record<string, SendTaskSpec>>;
}

/** One immutable deployed version of a procedure. */
export interface ProcedureVersion {
  /** `<procedureId>@<version>` */
  readonly id: string;
  readonly procedureId: string;
  readonly version: number;
  readonly contentHash: string;
  readonly xml: string;
  readonly catalog: ProcedureCatalog;
  readonly warnings: readonly { path: string; reason: string; message: string }[];
  readonly deployedAt: Date;
  readonly deployedBy: string;
}
