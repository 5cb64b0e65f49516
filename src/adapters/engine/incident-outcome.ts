import type { RunOutcome, StepIncident } from '../../app/procedure-engine.js';

/** What an incident step reports: no engine state (the instance keeps its last good one). */
export function incidentOutcome(incident: StepIncident): RunOutcome {
  return {
    status: 'incident',
    error: incident.reason,
    incident,
    engineState: null,
    variables: {},
    waitingTasks: [],
    armedTimers: [],
    firedTimers: [],
    sentMessages: [],
    completedActivities: [],
    activeActivities: [],
  };
}
