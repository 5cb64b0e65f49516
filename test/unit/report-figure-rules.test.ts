import { advanceFacts, type ReportStep, type TicketFacts } from '../../src/domain/reports/facts.js';
import { computeReport, countsFor } from '../../src/domain/reports/figures.js';

const MIN = 60_000;
const T0 = Date.parse('2030-03-12T09:00:00Z');

/** One committed step of ticket `id` at minute `minute` (head as after the step). */
function step(
  id: string,
  seq: number,
  type: string,
  actor: string,
  minute: number,
  data: Record<string, unknown> = {},
  ended = false,
): ReportStep {
  const when = new Date(T0 + minute * MIN);
  return {
    event: { instanceId: id, seq, type, actor, at: when, data },
    head: {
      id,
      procedureId: 'support',
      definitionId: 'support@1',
      businessKey: `K-${id}`,
      engineVersion: 'x',
      seq,
      startedAt: new Date(T0),
      startedBy: 'ana',
      updatedAt: when,
      status: ended ? 'completed' : 'running',
      ...(ended ? { endedAt: when } : {}),
      variables: {},
      timers: [],
      activeActivities: ended ? [] : ['handle'],
      completedActivities: [],
      openTaskIds: [],
    },
    effects: { openTasks: seq === 1 ? [{ id: `${id}:task`, candidateGroups: ['l1'] }] : [] },
  };
}

function fold(steps: readonly ReportStep[]): TicketFacts {
  let facts: TicketFacts | undefined;
  for (const s of steps) facts = advanceFacts(facts, s, []);
  return facts!;
}

const task = (id: string) => ({ taskId: `${id}:task` });
const warningLevels = { levels: [{ level: 1, notify: ['lead@example.org'] }] };
const escalationLevels = { levels: [{ level: 2, group: 'l2', notify: [] }] };

/**
 * Hand-computed first-contact resolution (docs/adr/0027, 2026-11-29): four tickets, all closed
 * by l1 at minute 60.
 * - A: a supervisor's first dispatch to luis (no reassignment), luis closes it → FCR;
 * - B: an SLA warning that only notified the lead (no escalation), closed → FCR;
 * - C: dispatched to luis, then moved to marta (one reassignment) → not FCR;
 * - D: an SLA breach that handed the ticket to level 2 (one escalation) → not FCR;
 * - E: claimed by luis and given back (one reassignment), then closed → not FCR.
 * FCR = 2 of 5 completed; reassigned = 2 of 5.
 */
describe('report figure rules', () => {
  const a = fold([
    step('a', 1, 'instance.started', 'ana', 0),
    step('a', 2, 'task.assigned', 'sofia', 5, { ...task('a'), assignee: 'luis' }),
    step('a', 3, 'task.completed', 'luis', 60, task('a'), true),
  ]);
  const b = fold([
    step('b', 1, 'instance.started', 'ana', 0),
    step('b', 2, 'task.claimed', 'luis', 5, { ...task('b'), assignee: 'luis' }),
    step('b', 3, 'sla.warning', 'system:timer', 30, { clock: 'resolution', ...warningLevels }),
    step('b', 4, 'task.completed', 'luis', 60, task('b'), true),
  ]);
  const c = fold([
    step('c', 1, 'instance.started', 'ana', 0),
    step('c', 2, 'task.assigned', 'sofia', 5, { ...task('c'), assignee: 'luis' }),
    step('c', 3, 'task.assigned', 'sofia', 20, { ...task('c'), assignee: 'marta' }),
    step('c', 4, 'task.completed', 'marta', 60, task('c'), true),
  ]);
  const d = fold([
    step('d', 1, 'instance.started', 'ana', 0),
    step('d', 2, 'sla.breach', 'system:timer', 30, { clock: 'resolution', ...escalationLevels }),
    step('d', 3, 'task.completed', 'luis', 60, task('d'), true),
  ]);
  const e = fold([
    step('e', 1, 'instance.started', 'ana', 0),
    step('e', 2, 'task.claimed', 'luis', 5, { ...task('e'), assignee: 'luis' }),
    step('e', 3, 'task.unclaimed', 'luis', 10, { ...task('e'), assignee: null }),
    step('e', 4, 'task.completed', 'marta', 60, task('e'), true),
  ]);
  const query = { from: T0, to: T0 + 24 * 60 * MIN, groupBy: 'none' as const };

  test('given a first dispatch and a warning that only notifies, when folded, then neither counts as a reassignment nor an escalation', () => {
    expect([a, b, c, d, e].map((t) => [t.reassignments, t.escalations])).toEqual([
      [0, 0],
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 0],
    ]);
  });

  test('given the five tickets, when reported, then first-contact resolution and the reassignment rate are the hand-computed ones', () => {
    const { total } = computeReport([a, b, c, d, e], query);
    expect(total.firstContact).toEqual({ count: 2, of: 5, rate: 2 / 5 });
    expect(total.reassigned).toEqual({ count: 2, of: 5, rate: 2 / 5 });
  });

  test('given cancelled tickets with a satisfaction answer, when reported, then the response rate counts completed tickets only and never exceeds 100 %', () => {
    const base = { ...a, satisfaction: undefined };
    const tickets: TicketFacts[] = [
      { ...base, id: 'x1' },
      { ...base, id: 'x2', status: 'cancelled', satisfaction: { rating: 1 } },
      { ...base, id: 'x3', status: 'cancelled', satisfaction: { rating: 1 } },
      { ...base, id: 'x4', satisfaction: { rating: 4 } },
    ];
    const { total } = computeReport(tickets, query);
    expect(total.surveyed).toEqual({ count: 1, of: 2, rate: 0.5 });
    expect(total.satisfaction).toBe(4);
    expect(tickets.filter((t) => countsFor(t, 'surveyed', query)).map((t) => t.id)).toEqual(['x4']);
  });
});
