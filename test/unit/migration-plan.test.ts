import {
  joinReachedBy,
  movedState,
  parseMigrationRequest,
  pendingFlows,
} from '../../src/app/migration-plan.js';

/** The pure parts of instance migration (ADR 0031). */
describe('migration plan', () => {
  test('given a saved state, when moved review→check, then ids and the waiting execution are renamed, variables and other ids are not', () => {
    const state = {
      environment: { variables: { note: 'review', who: 'review_abc123' } },
      definitions: [
        {
          id: 'defs-v1',
          execution: {
            children: [
              { id: 'review', executionId: 'review_abc123', queue: ['review_abc123', 'reviewer_abc'] },
              { id: 'remind', attachedTo: 'review' },
            ],
          },
        },
      ],
    };
    const moved = movedState(
      state,
      [{ from: 'review', to: 'check' }],
      '<bpmn:definitions id="defs-v1">',
      '<bpmn:definitions id="defs-v2">',
      2,
    ) as typeof state;
    expect(moved.definitions[0]!.id).toBe('defs-v2');
    expect(moved.definitions[0]!.execution.children).toEqual([
      { id: 'check', executionId: 'check_abc123v2', queue: ['check_abc123v2', 'reviewer_abc'] },
      { id: 'remind', attachedTo: 'check' },
    ]);
    expect(moved.environment).toEqual(state.environment);
    expect(state.definitions[0]!.id).toBe('defs-v1');
  });

  test('given a flow into a parallel join, then the join is named; a flow into a task is not a join', () => {
    const xml =
      '<bpmn:sequenceFlow id="f5" sourceRef="a" targetRef="join" /><bpmn:parallelGateway id="join" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="a" />';
    expect(joinReachedBy(xml, 'f5')).toBe('join');
    expect(joinReachedBy(xml, 'f1')).toBeUndefined();
    expect(joinReachedBy(xml, 'nope')).toBeUndefined();
  });

  test('given a request with every field wrong, then one VALIDATION_FAILED names each', () => {
    expect(() =>
      parseMigrationRequest({
        procedureId: 'X',
        fromVersion: 1.5,
        toVersion: -1,
        mapping: { 'bad id': 3 },
        instanceIds: 'all',
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        details: ['procedureId', 'fromVersion', 'toVersion', 'mapping.bad id', 'instanceIds'].map((path) =>
          expect.objectContaining({ path }),
        ),
      }),
    );
    expect(parseMigrationRequest({ procedureId: 'desk', fromVersion: 1, toVersion: 2 })).toEqual({
      procedureId: 'desk',
      fromVersion: 1,
      toVersion: 2,
      mapping: {},
      mapEqualActivities: true,
    });
  });

  test('given a saved state with a huge array, when its pending flows are read, then it does not overflow the stack and still finds them', () => {
    const taken = { fields: { routingKey: 'flow.take' }, content: { id: 'f5', type: 'bpmn:SequenceFlow' } };
    const state = { execution: { queue: [...new Array<number>(300_000).fill(0), taken] } };

    expect(pendingFlows(state)).toEqual(['f5']);
  });
});
