import { durationMs } from '../../../src/domain/sla/duration.js';
import { parseSlaPolicy } from '../../../src/domain/sla/parse-policy.js';
import { levelsFor, targetFor } from '../../../src/domain/sla/policy.js';
import { thrown } from '../../support/errors.js';
import { readFileSync } from 'node:fs';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(`test/fixtures/sla/${name}`, 'utf8')) as unknown;

describe('SLA targets as ISO durations', () => {
  test.each([
    ['PT30M', 30 * 60_000],
    ['PT4H', 4 * 3_600_000],
    ['P1DT2H', 26 * 3_600_000],
    ['PT90S', 90_000],
  ])('given %s, then it is %d ms', (value, ms) => {
    expect(durationMs(value)).toBe(ms);
  });

  test.each(['P1M', 'P1Y', 'P1W', 'PT', 'P', '30M', 'PT-5M', ''])('given %s, then it is refused', (value) => {
    expect(durationMs(value)).toBeUndefined();
  });
});

describe('parsing an SLA policy', () => {
  test('given a valid policy, then targets by severity and escalation levels come out', () => {
    const policy = parseSlaPolicy(fixture('valid-policy.json'), 'valid-policy.json');

    expect(policy.calendar).toBe('office');
    const [response] = policy.targets;
    expect(targetFor(response!, 'blocking')).toBe(4 * 3_600_000);
    expect(targetFor(response!, 'unknown-severity')).toBe(24 * 3_600_000);
    expect(targetFor(response!, undefined)).toBe(24 * 3_600_000);
    expect(response!.warnAt).toBe(0.8);
    expect(levelsFor(policy, 'restore', 'breach', 'blocking').map((l) => l.level)).toEqual([2, 3]);
    expect(levelsFor(policy, 'restore', 'breach', 'non-blocking').map((l) => l.level)).toEqual([2]);
  });

  test('given a broken policy, then every issue is listed with its path', () => {
    const error = thrown(() => parseSlaPolicy(fixture('broken-policy.json'), 'broken-policy.json'));

    expect(error).toMatchObject({ code: 'SLA_POLICY_INVALID' });
    const paths = error.details.map((d) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'calendar',
        'targets[0].target.blocking',
        'targets[0].warnAtPercent',
        'targets[0].stop',
        'targets[1].onRestart',
        'targets',
        'escalation[0].target',
        'escalation[1]',
      ]),
    );
  });

  test('given something that is not an object, then it is refused', () => {
    expect(thrown(() => parseSlaPolicy([], 'list.json'))).toMatchObject({ code: 'SLA_POLICY_INVALID' });
  });
});

describe('checking a policy against its procedure', () => {
  test('given activities the procedure does not have, then each is reported with its path', async () => {
    const { policyIssues } = await import('../../../src/domain/sla/check-policy.js');
    const policy = parseSlaPolicy(fixture('valid-policy.json'), 'valid-policy.json');
    const catalog = {
      procedureId: 'office-desk',
      processId: 'office-desk',
      name: 'Office desk',
      ticketPrefix: 'OFF',
      language: 'en',
      lanes: [],
      userTasks: { close: { id: 'close', name: 'Close', candidateGroups: [] } },
      sendTasks: {},
      timers: {},
    };

    expect(policyIssues(policy, catalog).map((i) => i.path)).toEqual(['targets[0].pauseWhile[0]']);
  });
});
