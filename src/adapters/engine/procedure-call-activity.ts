import { CallActivity } from 'bpmn-elements';

/** Prefix the runner puts on every call activity's `calledElement` (see {@link ProcedureCallActivity}). */
export const CALLED_PROCEDURE_PREFIX = 'procedure:';

interface ActivityDefinition {
  readonly behaviour?: { readonly calledElement?: unknown } & Record<string, unknown>;
  readonly [key: string]: unknown;
}

/**
 * bpmn-elements' call activity whose call always goes to another procedure (ADR 0019). Left as
 * it is, bpmn-elements runs a process of the *same file* whose id equals `calledElement` inside
 * the engine (a procedure calling itself recursed without end in one step). With the prefix no
 * process of the file matches: the activity waits, and the runner opens the called ticket.
 */
export function ProcedureCallActivity(activityDef: ActivityDefinition, context: unknown): unknown {
  const behaviour = activityDef.behaviour ?? {};
  const called = behaviour.calledElement;
  const calledElement = typeof called === 'string' ? `${CALLED_PROCEDURE_PREFIX}${called}` : called;
  const create = CallActivity as unknown as (definition: object, context: unknown) => unknown;
  return create({ ...activityDef, behaviour: { ...behaviour, calledElement } }, context);
}

/** The procedure id a prefixed `calledElement` names. */
export function calledProcedure(calledElement: string): string {
  return calledElement.startsWith(CALLED_PROCEDURE_PREFIX)
    ? calledElement.slice(CALLED_PROCEDURE_PREFIX.length)
    : calledElement;
}
