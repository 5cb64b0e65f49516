import type { ModdleElement } from 'bpmn-moddle';
import { list } from './flow-graph.js';
import { flowIndex } from './flow-index.js';

const ERROR = 'bpmn:ErrorEventDefinition';

/** What the error catchers of one place catch. */
interface Catchers {
  /** At least one catcher: an error without a reference is caught by any of them. */
  readonly any: boolean;
  /** A catcher without an errorRef catches every error. */
  readonly all: boolean;
  readonly errors: ReadonlySet<unknown>;
  readonly codes: ReadonlySet<unknown>;
}

/** Per scope (a sub-process or the process), summarised once per parsed tree. */
const onBoundaries = new WeakMap<ModdleElement, Catchers>();
const inEventSubProcesses = new WeakMap<ModdleElement, Catchers>();

/**
 * True when an error boundary event on an enclosing sub-process, or an error event sub-process of
 * an enclosing scope, catches the error `thrower` throws. A catcher without an errorRef catches
 * every error; otherwise the same error, or one with the same errorCode.
 */
export function errorCaught(thrower: ModdleElement, container: ModdleElement): boolean {
  const error = errorOf(thrower);
  let scope: ModdleElement | undefined = container;
  while (scope && scope.$type !== 'bpmn:Process') {
    const parent = scope.$parent as ModdleElement | undefined;
    if (catches(boundaryCatchers(scope, parent), error)) return true;
    if (catches(eventSubProcessCatchers(scope), error)) return true;
    scope = parent;
  }
  return scope ? catches(eventSubProcessCatchers(scope), error) : false;
}

function catches(catchers: Catchers, thrown: ModdleElement | undefined): boolean {
  if (!catchers.any) return false;
  if (catchers.all || !thrown) return true;
  return (
    catchers.errors.has(thrown) || (thrown.errorCode !== undefined && catchers.codes.has(thrown.errorCode))
  );
}

function boundaryCatchers(scope: ModdleElement, parent: ModdleElement | undefined): Catchers {
  let catchers = onBoundaries.get(scope);
  if (!catchers) {
    catchers = summarise(parent ? flowIndex(parent).boundaries(scope) : []);
    onBoundaries.set(scope, catchers);
  }
  return catchers;
}

function eventSubProcessCatchers(scope: ModdleElement): Catchers {
  let catchers = inEventSubProcesses.get(scope);
  if (!catchers) {
    const starts = list(scope, 'flowElements')
      .filter((node) => node.$type === 'bpmn:SubProcess' && node.triggeredByEvent === true)
      .flatMap((sub) => list(sub, 'flowElements').filter((node) => node.$type === 'bpmn:StartEvent'));
    catchers = summarise(starts);
    inEventSubProcesses.set(scope, catchers);
  }
  return catchers;
}

function summarise(events: readonly ModdleElement[]): Catchers {
  const errors = new Set<unknown>();
  const codes = new Set<unknown>();
  let any = false;
  let all = false;
  for (const event of events) {
    const definition = errorDefinition(event);
    if (!definition) continue;
    any = true;
    const caught = definition.errorRef as ModdleElement | undefined;
    if (!caught) all = true;
    else {
      errors.add(caught);
      if (caught.errorCode !== undefined) codes.add(caught.errorCode);
    }
  }
  return { any, all, errors, codes };
}

function errorOf(event: ModdleElement): ModdleElement | undefined {
  return errorDefinition(event)?.errorRef as ModdleElement | undefined;
}

function errorDefinition(event: ModdleElement): ModdleElement | undefined {
  return list(event, 'eventDefinitions').find((d) => d.$type === ERROR);
}
