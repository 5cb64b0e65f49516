import type { TicketFacts } from '../../../src/domain/reports/facts.js';

/**
 * A running ticket of procedure `p` (version 1) as the read model holds it, with nothing counted
 * yet: ticket `id` at step `seq`, opened at `openedAt` (ms), number `K-<id>`; `more` overrides.
 */
export function bareFacts(
  id: string,
  seq: number,
  openedAt: number,
  more: Partial<TicketFacts> = {},
): TicketFacts {
  return {
    id,
    seq,
    procedureId: 'p',
    version: 1,
    businessKey: `K-${id}`,
    status: 'running',
    dims: {},
    openedAt,
    sla: [],
    reassignments: 0,
    escalations: 0,
    agents: [],
    groups: [],
    visits: [],
    ...more,
  };
}
