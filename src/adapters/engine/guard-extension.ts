import type { TmpSubscriber } from './broker-types.js';
import type { StepGuard } from './step-guard.js';

interface BrokerMessage {
  readonly content: { readonly id?: string; readonly isMultiInstance?: boolean };
}

interface Broker extends TmpSubscriber<BrokerMessage> {
  cancel(consumerTag: string): void;
}

interface TimerParse {
  (timerType: string, value: string): { expireAt?: Date; delay?: number; repeat?: number };
}

interface ElementLike {
  readonly id: string;
  readonly broker: Broker;
  readonly eventDefinitions?: readonly { type?: string; parse?: TimerParse }[];
}

const TAG = '_helpdesk-step-guard';

/**
 * Engine extension that charges the step guard for every multi-instance iteration
 * (the engine listener hears of activities, never of iterations), and keeps
 * zero-delay timers out of the engine's hands. The subscription is made once per
 * element: an activity re-entered while it runs (a loop) is activated only once.
 */
export function guardExtension(guard: StepGuard) {
  return function extend(element: ElementLike): undefined {
    for (const definition of element.eventDefinitions ?? []) delayZeroTimers(definition);
    element.broker.subscribeTmp(
      'execution',
      'execute.start',
      (_key, message) => {
        if (message.content.isMultiInstance) guard.charge(message.content.id ?? element.id, true);
      },
      { noAck: true, consumerTag: TAG, priority: 10_000 },
    );
    return undefined;
  };
}

/**
 * bpmn-elements completes a timer whose delay is zero or less on the spot, bypassing
 * the (quiet) timers, and its interval parser never returns for a repeating zero
 * period (`R/PT0S` adds zero until it passes now). Zero durations and cycles therefore
 * get 1 ms without being handed to the parser: they are armed, the scheduler fires
 * them, and a cycle is then not re-armed (its period is below the minimum). A
 * `timeDate` in the past keeps its meaning: the instance was late, the event happens now.
 */
function delayZeroTimers(definition: { type?: string; parse?: TimerParse }): void {
  const parse = definition.parse;
  if (definition.type !== 'bpmn:TimerEventDefinition' || typeof parse !== 'function') return;
  definition.parse = (timerType, value) => {
    if (timerType !== 'timeDate' && isZeroPeriod(value)) {
      return { expireAt: new Date(Date.now() + 1), delay: 1, ...repetitions(value) };
    }
    const parsed = parse.call(definition, timerType, value);
    if (timerType === 'timeDate' || (parsed.delay ?? 1) > 0) return parsed;
    return { ...parsed, expireAt: new Date(Date.now() + 1), delay: 1 };
  };
}

/** `PT0S`, `R/PT0S`, `R5/P0D`, `R/2026-01-01T00:00:00Z/PT0H`: a duration whose every figure is zero. */
function isZeroPeriod(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const duration = value.trim().split('/').pop() ?? '';
  return /^P[\dT.,YMWDHS]*$/i.test(duration) && /\d/.test(duration) && !/[1-9]/.test(duration);
}

/** The repeat count of a cycle (`R` alone: forever, as bpmn-elements has it). */
function repetitions(value: string): { repeat?: number } {
  const match = /^R(\d*)\//i.exec(value.trim());
  if (!match) return {};
  return { repeat: match[1] ? Number(match[1]) : -1 };
}
