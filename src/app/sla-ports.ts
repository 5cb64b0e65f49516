import type { SlaPolicy } from '../domain/sla/policy.js';

/** SLA policies and escalation matrices per procedure (data files, loaded at startup). */
export interface SlaPolicies {
  /** The procedure's policy, or undefined when its tickets have no SLA. */
  forProcedure(procedureId: string): SlaPolicy | undefined;
  list(): readonly SlaPolicy[];
}
