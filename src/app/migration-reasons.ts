/**
 * Why a ticket cannot move, or what will not follow it (ADR 0031), as a code with its values:
 * the web page translates it (`migration.reasons.<code>` / `migration.notes.<code>`), the API
 * also answers the English text of {@link reasonText}.
 */
export type MigrationReason =
  | { readonly code: 'other-version'; readonly current: string; readonly from: string }
  | { readonly code: 'not-running'; readonly status: string }
  | { readonly code: 'awaits-event'; readonly kind: string; readonly name: string; readonly id: string }
  | { readonly code: 'called-ticket' }
  | { readonly code: 'join-partly-reached'; readonly join: string; readonly id: string }
  | { readonly code: 'not-user-task'; readonly id: string }
  | { readonly code: 'multi-instance' }
  | { readonly code: 'unmapped'; readonly id: string }
  | {
      readonly code: 'target-not-user-task';
      readonly id: string;
      readonly target: string;
      readonly to: string;
    }
  | { readonly code: 'same-target' }
  | { readonly code: 'timer-misplaced'; readonly id: string; readonly to: string }
  | {
      readonly code: 'engine-refused';
      readonly to: string;
      readonly reached: string;
      readonly status: string;
    }
  /** Checking or moving it failed: `status` is the error code (e.g. CONFLICT), `message` its text. */
  | { readonly code: 'error'; readonly status: string; readonly message: string };

/** What does not follow a ticket that moves. */
export type MigrationNote = {
  readonly code: 'timer-armed-on-entry';
  readonly id: string;
  readonly target: string;
};

/** The English text of a reason (the API's `reasons`). */
export function reasonText(reason: MigrationReason): string {
  switch (reason.code) {
    case 'other-version':
      return `is on ${reason.current}, not ${reason.from}`;
    case 'not-running':
      return `is ${reason.status}: only running tickets move`;
    case 'awaits-event':
      return `waits for ${reason.kind} "${reason.name}" at <${reason.id}>: only tickets waiting at user tasks move`;
    case 'called-ticket':
      return 'waits for a called ticket';
    case 'join-partly-reached':
      return `the join <${reason.join}> is partly reached (flow <${reason.id}> arrived): not moved`;
    case 'not-user-task':
      return `waits at <${reason.id}>, which is not a user task (a sub-process, a catch event or a call): not moved`;
    case 'multi-instance':
      return 'has a multi-instance task: not moved';
    case 'unmapped':
      return `waits at <${reason.id}>, which the mapping does not map`;
    case 'target-not-user-task':
      return `<${reason.id}> maps to <${reason.target}>, which is not a user task of ${reason.to}`;
    case 'same-target':
      return 'two waiting tasks map to the same task';
    case 'timer-misplaced':
      return `timer <${reason.id}> is on an element ${reason.to} does not have at the same place`;
    case 'engine-refused':
      return `the engine could not resume it on ${reason.to} (waits at ${reason.reached}, ${reason.status})`;
    case 'error':
      return `could not be checked or moved (${reason.status}): ${reason.message}`;
  }
}

/** The English text of a note (the API's `notes`). */
export function noteText(note: MigrationNote): string {
  return `timer <${note.id}> on <${note.target}> is armed only when the task is entered again`;
}
