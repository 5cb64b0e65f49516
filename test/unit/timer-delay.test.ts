import { timerDelayMs } from '../../src/adapters/engine/timer-delay.js';

describe('timerDelayMs', () => {
  const now = new Date('2026-01-31T10:00:00Z');

  test('given a duration or a repeating cycle, then the delay is exactly the drawn period', () => {
    expect(timerDelayMs('timeDuration', 'PT5M', 300_001, now)).toBe(300_000);
    expect(timerDelayMs('timeCycle', 'R/PT5M', 300_001, now)).toBe(300_000);
    expect(timerDelayMs('timeCycle', 'R3/PT1H', 3_600_002, now)).toBe(3_600_000);
  });

  test('given a calendar duration, then it is measured from now', () => {
    expect(timerDelayMs('timeDuration', 'P1D', 86_400_002, now)).toBe(86_400_000);
  });

  test('given a date timer or an unreadable value, then the engine figure stands', () => {
    expect(timerDelayMs('timeDate', '2026-02-01T10:00:00Z', 1234, now)).toBe(1234);
    expect(timerDelayMs('timeDuration', 'soon', 42, now)).toBe(42);
  });
});

describe('timerDelayMs edge cases', () => {
  const now = new Date('2026-01-31T10:00:00Z');

  test('given a restored timer with less time left than its period, then the remaining time stands', () => {
    expect(timerDelayMs('timeDuration', 'PT30M', 120_000, now)).toBe(120_000);
  });

  test("given a zero-period cycle, then the guard's 1 ms arming stands", () => {
    expect(timerDelayMs('timeCycle', 'R/PT0S', 1, now)).toBe(1);
  });

  test('given a cycle anchored to a start date, then the engine figure stands', () => {
    expect(timerDelayMs('timeCycle', 'R3/2026-01-31T09:00:00Z/PT1H', 7, now)).toBe(7);
  });
});
