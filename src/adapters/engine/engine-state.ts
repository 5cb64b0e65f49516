/** The parts of bpmn-engine's saved state the runner touches. */
export interface EngineState {
  environment?: { variables?: Record<string, unknown> };
  definitions?: { source?: unknown; environment?: { variables?: Record<string, unknown> } }[];
  [key: string]: unknown;
}

/**
 * Drops the serialized definition from each saved state: the source is cached per
 * version and supplied on recover, so every snapshot stays small.
 */
export function stripSources(state: EngineState): EngineState {
  return {
    ...state,
    definitions: (state.definitions ?? []).map(({ source: _source, ...definition }) => definition),
  };
}

/** Returns a copy of the state with task data merged into the instance variables. */
export function patchVariables(engineState: unknown, data: Record<string, unknown>): EngineState {
  const state = structuredClone(engineState) as EngineState;
  state.environment = { ...state.environment, variables: { ...state.environment?.variables, ...data } };
  for (const definition of state.definitions ?? []) {
    if (definition.environment) {
      definition.environment.variables = { ...definition.environment.variables, ...data };
    }
  }
  return state;
}
