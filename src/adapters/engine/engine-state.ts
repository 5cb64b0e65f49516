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

/**
 * Returns a copy of the state with task data merged into the instance variables.
 * bpmn-engine keeps a copy of the variables in every environment it saves (engine,
 * definitions, processes, sub-processes), so each one is patched; otherwise an
 * overwritten value (a loop re-asking a question) would not reach the conditions.
 */
export function patchVariables(engineState: unknown, data: Record<string, unknown>): EngineState {
  const state = structuredClone(engineState) as EngineState;
  state.environment = { ...state.environment, variables: { ...state.environment?.variables, ...data } };
  patchEnvironments(state, data);
  return state;
}

function patchEnvironments(node: unknown, data: Record<string, unknown>): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) patchEnvironments(item, data);
    return;
  }
  const record = node as Record<string, unknown>;
  const environment = record.environment as { variables?: Record<string, unknown> } | undefined;
  if (environment && typeof environment === 'object' && environment.variables) {
    environment.variables = { ...environment.variables, ...data };
  }
  for (const [key, value] of Object.entries(record)) {
    if (key !== 'environment') patchEnvironments(value, data);
  }
}
