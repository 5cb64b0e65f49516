import {
  exponentialBackoff,
  failure,
  nextStep,
  DEFAULT_DELIVERY_POLICY,
} from '../../../src/app/delivery-plan.js';
import type { AttemptResult, DeliveryAttempt } from '../../../src/app/notification-ports.js';

const at = (iso: string) => new Date(iso);
const attempt = (
  n: number,
  result?: AttemptResult,
  leaseUntil = '2030-03-04T10:02:00Z',
): DeliveryAttempt => ({
  messageId: 'm1',
  attempt: n,
  owner: 'a',
  claimedAt: at('2030-03-04T10:00:00Z'),
  leaseUntil: at(leaseUntil),
  ...(result ? { result } : {}),
});
const failed = (retryAt: string): AttemptResult => ({
  outcome: 'failed',
  at: at('2030-03-04T10:00:01Z'),
  error: '451',
  retryAt: at(retryAt),
});
const NOW = at('2030-03-04T10:01:00Z');

describe('planning the next delivery step', () => {
  test('given no attempt, then attempt 1 is claimed', () => {
    expect(nextStep([], NOW)).toEqual({ kind: 'attempt', attempt: 1 });
  });

  test('given an attempt in progress within its lease, then it waits; after the lease, attempt 2 is claimed', () => {
    expect(nextStep([attempt(1)], NOW)).toEqual({ kind: 'wait' });
    expect(nextStep([attempt(1)], at('2030-03-04T10:02:00Z'))).toEqual({ kind: 'attempt', attempt: 2 });
  });

  test('given a failed attempt, then it waits for the backoff and then retries', () => {
    const attempts = [attempt(1, failed('2030-03-04T10:00:31Z')), attempt(2, failed('2030-03-04T10:01:31Z'))];

    expect(nextStep(attempts, NOW)).toEqual({ kind: 'wait' });
    expect(nextStep(attempts, at('2030-03-04T10:01:31Z'))).toEqual({ kind: 'attempt', attempt: 3 });
  });

  test('given a sent attempt whose outcome was not recorded, then the outcome is recorded without sending', () => {
    const sent: AttemptResult = {
      outcome: 'sent',
      at: NOW,
      smtpMessageId: '<x@y>',
      recipients: ['a@example.org'],
    };

    expect(nextStep([attempt(1, failed('2030-03-04T10:00:31Z')), attempt(2, sent)], NOW)).toEqual({
      kind: 'finish',
      outcome: { state: 'sent', attempt: 2, at: NOW, smtpMessageId: '<x@y>' },
    });
  });

  test('given failures, then the backoff doubles up to its cap and the last attempt gives up', () => {
    const backoff = exponentialBackoff(30_000, 100_000);
    expect([1, 2, 3, 4].map(backoff)).toEqual([30_000, 60_000, 100_000, 100_000]);

    const policy = { ...DEFAULT_DELIVERY_POLICY, maxAttempts: 3, backoffMs: backoff };
    expect(failure(2, 'refused', NOW, policy)).toEqual({
      outcome: 'failed',
      at: NOW,
      error: 'refused',
      retryAt: at('2030-03-04T10:02:00Z'),
    });
    expect(failure(3, 'refused', NOW, policy)).toEqual({
      outcome: 'undeliverable',
      at: NOW,
      reason: 'gave up after 3 attempts: refused',
    });
  });
});
