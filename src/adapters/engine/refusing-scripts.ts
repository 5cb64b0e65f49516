import type { StepGuard } from './step-guard.js';

interface ScriptOwner {
  readonly id: string;
  readonly type: string;
  readonly behaviour?: {
    readonly script?: unknown;
    readonly scriptFormat?: unknown;
    readonly conditionExpression?: { readonly language?: unknown };
  };
}

/**
 * The engine's script runner, which runs nothing: deploy refuses scripts already, and
 * this second layer stops the step with an incident if one is ever reached. Sequence
 * flow conditions without a script language get no script, so they stay expressions
 * (evaluated by the safe expression language).
 */
export function refusingScripts(guard: StepGuard) {
  const refuse = (owner: ScriptOwner) => ({
    id: `${owner.type}/${owner.id}`,
    execute(): never {
      return guard.trip(owner.id, `script at <${owner.id}> refused: this engine runs no scripts`);
    },
  });
  return {
    register(owner: ScriptOwner) {
      const behaviour = owner.behaviour ?? {};
      const scripted =
        behaviour.script !== undefined ||
        behaviour.scriptFormat !== undefined ||
        behaviour.conditionExpression?.language !== undefined;
      return scripted ? refuse(owner) : undefined;
    },
    getScript(language: unknown, owner: ScriptOwner) {
      if (owner.type === 'bpmn:SequenceFlow' && !language) return undefined;
      return refuse(owner);
    },
  };
}
