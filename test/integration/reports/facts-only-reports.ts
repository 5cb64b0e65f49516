import { ReportsService } from '../../../src/app/reports-service.js';
import type { ReportFactsStore } from '../../../src/app/reports-ports.js';
import type { Clock } from '../../../src/domain/clock.js';

/** The reports service over stored facts alone: no procedures declared, no ticket open, in UTC. */
export function factsOnlyReports(facts: ReportFactsStore, clock: Clock): ReportsService {
  return new ReportsService({
    facts,
    store: { listInstances: async () => [] },
    definitions: { list: async () => [] },
    clock,
    timeZone: 'UTC',
  });
}
