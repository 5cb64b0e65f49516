import type { ModdleElement } from 'bpmn-moddle';
import { AppError } from '../../domain/errors.js';
import { list } from './flow-graph.js';

/** Most messages, signals, errors and escalations a file may declare by default. */
export const MAX_GLOBAL_ELEMENTS = 100;

const GLOBAL_TYPES = new Set(['bpmn:Message', 'bpmn:Signal', 'bpmn:Error', 'bpmn:Escalation']);

/**
 * Refuses a file that declares more than `max` messages, signals, errors and escalations
 * (`PROCEDURE_UNSAFE`, reason `too-many-globals`), before it is linted: bpmnlint's `global` rule
 * compares each of them with every element that could reference one, so a file within the
 * element cap could still hold the server's thread for seconds. A procedure needs a handful.
 */
export function guardGlobalElements(definitions: ModdleElement, fileName: string, max: number): void {
  const declared = list(definitions, 'rootElements').filter((element) => GLOBAL_TYPES.has(element.$type));
  if (declared.length <= max) return;
  const message = `${declared.length} messages, signals, errors and escalations is over the limit of ${max}; a procedure needs far fewer`;
  throw new AppError('PROCEDURE_UNSAFE', `${fileName}: ${message}`, [
    { path: fileName, reason: 'too-many-globals', message },
  ]);
}
