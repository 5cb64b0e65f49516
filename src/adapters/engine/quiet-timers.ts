import { Timers } from 'bpmn-elements';

/**
 * Engine timers that never fire in-process: the scheduler (Agenda) owns time, so
 * timers survive restarts and run once across app instances. The engine still
 * announces each timer (`activity.timer`), which is how the runner learns of it.
 */
export function quietTimers(): Timers {
  return new Timers({
    setTimeout: (() => undefined) as unknown as typeof setTimeout,
    clearTimeout: () => undefined,
  });
}
