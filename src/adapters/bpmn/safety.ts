import type { ModdleElement } from 'bpmn-moddle';
import type { FieldIssue } from '../../domain/errors.js';
import { containersOf, flowGraph } from './flow-graph.js';
import { MAX_GLOBAL_ELEMENTS } from './global-elements.js';
import { loopIssues, timerValue } from './loop-safety.js';
import { describeMs, isExpression, parseCycle } from './timer-values.js';
import { MAX_XML_DEPTH, MAX_XML_ELEMENTS } from './xml-guard.js';

/** Caps that keep one instance of a deployed diagram from running without end or flooding the desk. */
export interface SafetyLimits {
  /** Deepest element nesting accepted in the XML, checked before parsing (default 200). */
  readonly maxXmlDepth: number;
  /** Most XML elements (diagram included), checked before parsing (default 10000). */
  readonly maxXmlElements: number;
  /** Most messages, signals, errors and escalations declared, checked before linting (default 100). */
  readonly maxGlobalElements: number;
  /** Shortest timer cycle period, and shortest timer that counts as a wait in a loop (default 1 minute). */
  readonly minTimerPeriodMs: number;
  /** Most firings of a timer cycle `Rn/...` (default 1000); `R/...` without a count is refused. */
  readonly maxCycleRepetitions: number;
  /** Largest literal multi-instance loopCardinality / standard loop loopMaximum (default 100). */
  readonly maxLoopCardinality: number;
  /** Most outgoing sequence flows of a node that may take them all at once (default 50). */
  readonly maxFanOut: number;
}

/** The defaults of {@link SafetyLimits}. */
export const DEFAULT_SAFETY_LIMITS: SafetyLimits = {
  maxXmlDepth: MAX_XML_DEPTH,
  maxXmlElements: MAX_XML_ELEMENTS,
  maxGlobalElements: MAX_GLOBAL_ELEMENTS,
  minTimerPeriodMs: 60_000,
  maxCycleRepetitions: 1000,
  maxLoopCardinality: 100,
  maxFanOut: 50,
};

/** Nodes that send a token down one of their outgoing flows only. */
const CHOOSE_ONE = new Set(['bpmn:ExclusiveGateway', 'bpmn:EventBasedGateway']);
const WHOLE_NUMBER = /^\d+$/;

/**
 * Deploy-time checks that every run of the executable `process` is bounded; each
 * finding names its element (path = element id):
 * - `timer-cycle-expression` / `timer-cycle-unbounded` / `timer-cycle-count` /
 *   `timer-period-too-short` / `timer-period-unknown`: a timeCycle must be literal,
 *   `R1`..`Rmax` and at least `minTimerPeriodMs` apart;
 * - `loop-cardinality` / `loop-unbounded`: literal multi-instance cardinality and
 *   standard-loop maximum up to `maxLoopCardinality`; expressions and collections are
 *   left to the run-time budget;
 * - `fan-out`: more than `maxFanOut` outgoing flows on a node that takes them all;
 * - `loop-without-wait` / `timer-in-loop`: see {@link loopIssues}.
 */
export function safetyIssues(process: ModdleElement, limits: SafetyLimits): FieldIssue[] {
  const containers = containersOf(process);
  const issues: FieldIssue[] = [];
  for (const container of containers) {
    const graph = flowGraph(container);
    graph.nodes.forEach((node, index) => {
      issues.push(...cycleIssues(node, limits), ...cardinalityIssues(node, limits));
      const flows = graph.outgoingFlows[index] ?? 0;
      if (flows > limits.maxFanOut && !CHOOSE_ONE.has(node.$type)) {
        const id = String(node.id);
        issues.push({
          path: id,
          reason: 'fan-out',
          message: `<${id}> starts ${flows} branches at once; at most ${limits.maxFanOut} are allowed (use a multi-instance task or fewer branches)`,
        });
      }
    });
  }
  return [...issues, ...loopIssues(containers, limits.minTimerPeriodMs)];
}

function cycleIssues(node: ModdleElement, limits: SafetyLimits): FieldIssue[] {
  const value = timerValue(node);
  if (value?.kind !== 'timeCycle') return [];
  const id = String(node.id);
  const timer = `timer <${id}> cycle "${value.text}"`;
  const issue = (reason: string, message: string): FieldIssue => ({ path: id, reason, message });
  if (isExpression(value.text)) {
    return [
      issue(
        'timer-cycle-expression',
        `${timer} is an expression; write the cycle literally (e.g. "R10/PT1H") so its repetitions can be checked`,
      ),
    ];
  }
  const cycle = parseCycle(value.text);
  if (!cycle) return []; // not a cycle at all: the catalog reports it as an invalid timeCycle
  const issues: FieldIssue[] = [];
  const max = limits.maxCycleRepetitions;
  if (cycle.repetitions === undefined) {
    issues.push(
      issue(
        'timer-cycle-unbounded',
        `${timer} repeats without end; give it a repetition count from R1 to R${max}, e.g. "R52/P7D"`,
      ),
    );
  } else if (cycle.repetitions < 1 || cycle.repetitions > max) {
    issues.push(issue('timer-cycle-count', `${timer} must repeat from 1 to ${max} times (R1 to R${max})`));
  }
  const minimum = describeMs(limits.minTimerPeriodMs);
  if (cycle.periodMs === undefined) {
    issues.push(issue('timer-period-unknown', `${timer} has no readable period, e.g. "R5/PT1H"`));
  } else if (cycle.periodMs < limits.minTimerPeriodMs) {
    issues.push(
      issue(
        'timer-period-too-short',
        `${timer} fires every ${describeMs(Math.max(0, cycle.periodMs))}; the shortest period allowed is ${minimum}`,
      ),
    );
  }
  return issues;
}

function cardinalityIssues(node: ModdleElement, limits: SafetyLimits): FieldIssue[] {
  const loop = node.loopCharacteristics as ModdleElement | undefined;
  if (!loop) return [];
  const id = String(node.id);
  const max = limits.maxLoopCardinality;
  const issue = (reason: string, message: string): FieldIssue[] => [
    { path: id, reason, message: `<${id}> ${message}` },
  ];
  if (loop.$type === 'bpmn:StandardLoopCharacteristics') {
    const maximum = loop.loopMaximum;
    if (typeof maximum !== 'number') {
      return issue('loop-unbounded', `loops without a loopMaximum; set loopMaximum from 1 to ${max}`);
    }
    return maximum > max
      ? issue('loop-cardinality', `loopMaximum ${maximum} is over the limit of ${max}`)
      : [];
  }
  const cardinality = (loop.loopCardinality as ModdleElement | undefined)?.body;
  const text = typeof cardinality === 'string' ? cardinality.trim() : '';
  if (!text) {
    if (typeof loop.collection === 'string' && loop.collection.trim()) return [];
    return issue('loop-unbounded', `multi-instance needs a loopCardinality (at most ${max}) or a collection`);
  }
  if (isExpression(text)) return [];
  if (!WHOLE_NUMBER.test(text)) {
    return issue(
      'loop-cardinality',
      `multi-instance loopCardinality "${text}" is not a whole number or a \${ ... } expression`,
    );
  }
  return Number(text) > max
    ? issue('loop-cardinality', `multi-instance loopCardinality ${text} is over the limit of ${max}`)
    : [];
}
