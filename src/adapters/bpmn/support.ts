import type { ModdleElement } from 'bpmn-moddle';
import { isAppError, type FieldIssue } from '../../domain/errors.js';
import { compileExpression } from '../../domain/expression/index.js';
import { containersOf, list } from './flow-graph.js';
import { errorCaught } from './error-catchers.js';
import { flowIndex } from './flow-index.js';
import { eventIssues } from './support-events.js';
import { isTooLong, placeholderSources, tooLongIssue } from './placeholders.js';

/**
 * Flow elements the runner drives (bpmn-elements 17 types plus the runner's own
 * behaviours). Anything else in an executable process is refused: bpmn-elements'
 * serializer throws on unknown types (a 500 at start) or the element would never
 * let its token go.
 */
const SUPPORTED_TYPES = new Set([
  'bpmn:StartEvent',
  'bpmn:EndEvent',
  'bpmn:IntermediateCatchEvent',
  'bpmn:IntermediateThrowEvent',
  'bpmn:BoundaryEvent',
  'bpmn:Task',
  'bpmn:UserTask',
  'bpmn:ManualTask',
  'bpmn:SendTask',
  'bpmn:ReceiveTask',
  'bpmn:CallActivity',
  'bpmn:SubProcess',
  'bpmn:ExclusiveGateway',
  'bpmn:ParallelGateway',
  'bpmn:InclusiveGateway',
  'bpmn:EventBasedGateway',
  'bpmn:SequenceFlow',
  'bpmn:DataObject',
  'bpmn:DataObjectReference',
  'bpmn:DataStoreReference',
  // Refused as code elsewhere (parse-definition): listed so that they get one finding only.
  'bpmn:ScriptTask',
  'bpmn:ServiceTask',
  'bpmn:BusinessRuleTask',
]);

/** Why an element type is refused, for the types worth a specific explanation. */
const REFUSED_TYPES: Readonly<Record<string, string>> = {
  'bpmn:ComplexGateway':
    'complex gateways are not supported by the engine (bpmn-elements 17); use exclusive, inclusive or parallel gateways',
  'bpmn:Transaction':
    'transactions (cancel and compensate on rollback) are not run by this runner; use a sub-process',
  'bpmn:AdHocSubProcess':
    'the engine runs an ad-hoc sub-process as a plain one (every activity starts at once, none is optional); use a sub-process with gateways',
};

/** Event definitions and why each is refused. */
const REFUSED_DEFINITIONS: Readonly<Record<string, string>> = {
  'bpmn:ConditionalEventDefinition':
    'conditional events wait for a condition to become true, and nothing re-evaluates it here (the ticket would wait forever); use an exclusive gateway after a user task',
  'bpmn:CancelEventDefinition': 'cancel events belong to transactions, which are not supported',
};

/** Events that wait for their definition to happen: without one they would wait forever. */
const CATCHING = new Set(['bpmn:IntermediateCatchEvent', 'bpmn:BoundaryEvent']);
const ERROR = 'bpmn:ErrorEventDefinition';

/**
 * Deploy-time checks that the runner can drive every element of the executable
 * `process` to its end (issue 16, "no silent hang"); each finding names the element:
 * - `unsupported-element`: a flow element type the engine cannot run (complex gateway,
 *   transaction, ad-hoc sub-process, anything unknown);
 * - `unsupported-event`: conditional and cancel event definitions;
 * - `catch-without-definition`: a catching event with no event definition;
 * - `missing-id`: a flow element without an id (bpmn-elements keys its queues and
 *   consumers by id; two flows without ids collide at start);
 * - `performer-without-expression`: a performer / potential owner with no
 *   resourceAssignmentExpression (crashes the engine's serializer);
 * - `inclusive-mixed`: an inclusive gateway that both joins and splits;
 * - `standard-loop`: a standard loop with a loopCondition (bpmn-elements inverts it);
 * - `error-uncaught`: an error end/throw event no error boundary event or error
 *   event sub-process around it catches (the ticket would stop in error);
 * - `camunda-input-output`: `camunda:inputOutput` parameters that are not data-only text
 *   (lists, maps; scripts are unsafe) or whose name is not a variable name (ADR 0031);
 * - `camunda-form-data`: `camunda:formData` outside a user task (user tasks get a generated
 *   form, form-data.ts);
 * - message, signal and call checks (`catch-without-reference`, `multi-instance-catch`,
 *   `nested-event-sub-process`, `call-boundary-event`): support-events.ts.
 */
export function supportIssues(process: ModdleElement): FieldIssue[] {
  const issues: FieldIssue[] = [];
  let unnamed = 0;
  for (const container of containersOf(process)) {
    for (const element of list(container, 'flowElements')) {
      if (!(typeof element.id === 'string' && element.id.trim())) {
        unnamed++;
        issues.push(missingId(element, container, unnamed));
      }
      issues.push(...elementIssues(element, container));
    }
  }
  return issues;
}

function elementIssues(element: ModdleElement, container: ModdleElement): FieldIssue[] {
  const id = idOf(element, container);
  const issues: FieldIssue[] = [];
  const refused = REFUSED_TYPES[element.$type];
  if (refused || !SUPPORTED_TYPES.has(element.$type)) {
    const type = element.$type.replace(/^bpmn:/, '');
    const why = refused ?? `the engine cannot run a ${type}`;
    issues.push(issue(id, 'unsupported-element', `${type} <${id}> is not supported: ${why}`));
  }
  const definitions = list(element, 'eventDefinitions');
  for (const definition of definitions) {
    const why = REFUSED_DEFINITIONS[definition.$type];
    if (why) issues.push(issue(id, 'unsupported-event', `event <${id}> is not supported: ${why}`));
  }
  if (CATCHING.has(element.$type) && !definitions.length) {
    issues.push(
      issue(
        id,
        'catch-without-definition',
        `catch event <${id}> has no event definition, so nothing can ever trigger it (the ticket would wait forever); give it a timer, message or signal, or remove it`,
      ),
    );
  }
  issues.push(...resourceIssues(element, id), ...inclusiveIssues(element, container, id));
  const loop = element.loopCharacteristics as ModdleElement | undefined;
  if (loop?.$type === 'bpmn:StandardLoopCharacteristics' && loop.loopCondition) {
    issues.push(
      issue(
        id,
        'standard-loop',
        `<${id}> a standard loop's loopCondition is not supported: the engine reads it as "stop when true", the opposite of BPMN's "repeat while true"; loop back with an exclusive gateway, or keep only loopMaximum`,
      ),
    );
  }
  if (definitions.some((d) => d.$type === ERROR) && element.$type !== 'bpmn:BoundaryEvent') {
    if (element.$type !== 'bpmn:StartEvent' && !errorCaught(element, container)) {
      issues.push(
        issue(
          id,
          'error-uncaught',
          `error event <${id}> is not caught by an error boundary event on an enclosing sub-process or an error event sub-process: the ticket would stop in error; catch it or use a plain end event`,
        ),
      );
    }
  }
  const startOfProcess = element.$type === 'bpmn:StartEvent' && container.$type === 'bpmn:Process';
  if (hasExtension(element, 'camunda:FormData') && element.$type !== 'bpmn:UserTask' && !startOfProcess) {
    issues.push(
      issue(
        id,
        'camunda-form-data',
        `<${id}> camunda:formData is generated into a form on user tasks and the process's start events only`,
      ),
    );
  }
  issues.push(...inputOutputIssues(element, id), ...eventIssues(element, container, id));
  return issues;
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

/** Data-only mappings run (input-output.ts); lists and maps, and odd names, are refused. */
function inputOutputIssues(element: ModdleElement, id: string): FieldIssue[] {
  const io = list(element.extensionElements, 'values').find((value) => value.$type === 'camunda:InputOutput');
  if (!io) return [];
  return [...list(io, 'inputParameters'), ...list(io, 'outputParameters')].flatMap((parameter) => {
    const name = String(parameter.name ?? '');
    const definition = parameter.definition as ModdleElement | undefined;
    if (!VARIABLE_NAME.test(name)) {
      return [
        issue(
          id,
          'camunda-input-output',
          `<${id}> camunda:inputOutput parameter "${name.slice(0, 100)}" must be named like a variable (letters, digits, _)`,
        ),
      ];
    }
    if (definition && definition.$type !== 'camunda:Script') {
      const kind = definition.$type.replace(/^camunda:/, '').toLowerCase();
      return [
        issue(
          id,
          'camunda-input-output',
          `<${id}> camunda:inputOutput parameter "${name}" is a ${kind}: only text values and \${ } expressions are supported`,
        ),
      ];
    }
    return expressionProblems(id, name, typeof parameter.value === 'string' ? parameter.value : '');
  });
}

/** Every `${ }` of a parameter value must compile in the safe expression language; long values are refused unread. */
function expressionProblems(id: string, name: string, value: string): FieldIssue[] {
  const subject = `<${id}> camunda:inputOutput parameter "${name}"`;
  // Plain text of any length is fine (read linearly at run time); only placeholders are capped.
  if (value.includes('${') && isTooLong(value)) return [tooLongIssue(id, subject, value)];
  return placeholderSources(value).flatMap((source) => {
    try {
      compileExpression(source.trim());
      return [];
    } catch (error) {
      if (!isAppError(error)) throw error;
      return [issue(id, 'expression', `${subject}: ${error.message}`)];
    }
  });
}

function missingId(element: ModdleElement, container: ModdleElement, count: number): FieldIssue {
  const type = element.$type.replace(/^bpmn:/, '');
  const where = idOf(container, container);
  const source = (element.sourceRef as ModdleElement | undefined)?.id;
  const target = (element.targetRef as ModdleElement | undefined)?.id;
  const between = source || target ? ` from <${source ?? '?'}> to <${target ?? '?'}>` : '';
  return issue(
    where,
    'missing-id',
    `${type} #${count}${between} in <${where}> has no id; the engine needs an id on every flow element`,
  );
}

function resourceIssues(element: ModdleElement, id: string): FieldIssue[] {
  return list(element, 'resources')
    .filter((resource) => !(resource.resourceAssignmentExpression as ModdleElement | undefined)?.expression)
    .map((resource) =>
      issue(
        id,
        'performer-without-expression',
        `<${id}> ${resource.$type.replace(/^bpmn:/, '')} has no resourceAssignmentExpression; give it a formalExpression or use camunda:candidateGroups`,
      ),
    );
}

/** A converging inclusive gateway runs as a join and a diverging one as a split; not both at once. */
function inclusiveIssues(element: ModdleElement, container: ModdleElement, id: string): FieldIssue[] {
  if (element.$type !== 'bpmn:InclusiveGateway') return [];
  const flows = flowIndex(container);
  const incoming = flows.incoming(element).length;
  const outgoing = flows.outgoing(element).length;
  if (incoming < 2 || outgoing < 2) return [];
  return [
    issue(
      id,
      'inclusive-mixed',
      `inclusive gateway <${id}> both joins (${incoming} incoming flows) and splits (${outgoing} outgoing); use one gateway to join and another to split`,
    ),
  ];
}

function hasExtension(element: ModdleElement, type: string): boolean {
  return list(element.extensionElements, 'values').some((value) => value.$type === type);
}

/** The element's id, else its container's (for elements without an id). */
export function idOf(element: ModdleElement, container: ModdleElement): string {
  if (typeof element.id === 'string' && element.id.trim()) return element.id;
  return typeof container.id === 'string' ? container.id : element.$type;
}

/** A finding. */
export function issue(path: string, reason: string, message: string): FieldIssue {
  return { path, reason, message };
}
