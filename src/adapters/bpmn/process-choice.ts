import type { ModdleElement } from 'bpmn-moddle';
import type { FieldIssue } from '../../domain/errors.js';
import { list } from './flow-graph.js';

/** Which `bpmn:process` of a file a procedure runs (see {@link chooseProcess}). */
export interface ProcessChoice {
  /** The process the procedure runs, when one can be chosen. */
  readonly process?: ModdleElement;
  /** Why none could be chosen. */
  readonly issue?: FieldIssue;
  /** Other processes of the file (executable or not): never run by this procedure. */
  readonly others: readonly ModdleElement[];
}

/**
 * The process a procedure file runs. Camunda deploys every executable process of a
 * file; a procedure is one ticket type, so it runs exactly one:
 * - the only process with `isExecutable="true"`; or, when there are several,
 * - the executable process whose id equals the procedure id (the file's basename).
 *   The others are not run by this procedure (deploy each as its own procedure
 *   to start or call it).
 * With none, or several and none named after the procedure, nothing is chosen and
 * `issue` says what to change. Used by the deploy checks and by the engine runner
 * (which marks the others non-executable so that only the chosen one starts).
 */
export function chooseProcess(root: ModdleElement, procedureId: string): ProcessChoice {
  const processes = list(root, 'rootElements').filter((element) => element.$type === 'bpmn:Process');
  const executable = processes.filter((process) => process.isExecutable === true);
  const chosen =
    executable.length === 1 ? executable[0] : executable.find((process) => process.id === procedureId);
  if (chosen) return { process: chosen, others: processes.filter((process) => process !== chosen) };
  const ids = executable.map((process) => String(process.id));
  const path = ids.length ? ids.join(',') : String(root.id ?? 'definitions');
  const message = ids.length
    ? `found ${ids.length} executable processes (${ids.join(', ')}) and none has the procedure's id <${procedureId}>; name the procedure after the process it runs (procedure id = process id) or mark the others isExecutable="false"`
    : 'no executable process: mark the procedure\'s bpmn:process with isExecutable="true"';
  return { issue: { path, reason: 'executable-process', message }, others: processes };
}

/** Warnings naming the executable processes of the file that the procedure does not run. */
export function unusedProcessWarnings(choice: ProcessChoice): FieldIssue[] {
  if (!choice.process) return [];
  return choice.others
    .filter((process) => process.isExecutable === true)
    .map((process) => {
      const id = String(process.id);
      return {
        path: id,
        reason: 'process-not-run',
        message: `process <${id}> is executable but this procedure runs <${String(choice.process?.id)}>; deploy <${id}> as its own procedure (file ${id}.bpmn) to start or call it`,
      };
    });
}

/**
 * Ids of the elements inside the processes a procedure does not run (their flow
 * elements, lanes and the processes themselves), minus anything the chosen process
 * also holds. Findings there are warnings: nothing in them ever runs.
 */
export function idsNotRun(choice: ProcessChoice): Set<string> {
  const running = choice.process ? idsUnder(choice.process) : new Set<string>();
  const ids = new Set<string>();
  for (const process of choice.others) {
    for (const id of idsUnder(process)) if (!running.has(id)) ids.add(id);
  }
  return ids;
}

/** Element ids of a process: itself, its flow elements (sub-processes included), artifacts and lanes. */
function idsUnder(process: ModdleElement): Set<string> {
  const ids = new Set<string>();
  const pending: ModdleElement[] = [process];
  while (pending.length) {
    const element = pending.pop() as ModdleElement;
    if (typeof element.id === 'string') ids.add(element.id);
    pending.push(
      ...list(element, 'flowElements'),
      ...list(element, 'artifacts'),
      ...list(element, 'laneSets'),
      ...list(element, 'lanes'),
      ...list(element, 'eventDefinitions'),
      ...(element.childLaneSet ? [element.childLaneSet as ModdleElement] : []),
    );
  }
  return ids;
}

/**
 * For the engine: marks every process but the chosen one non-executable in a parsed
 * definitions tree (in place), so that a start runs only the procedure's process
 * (bpmn-elements starts every executable process of a definition). Without a choice
 * (a file deploy would refuse) the tree is left as it is.
 */
export function runOnlyChosenProcess(root: ModdleElement, procedureId: string): void {
  const { process, others } = chooseProcess(root, procedureId);
  if (!process) return;
  for (const other of others) (other as unknown as { isExecutable?: boolean }).isExecutable = false;
}
