import type { ModdleElement } from 'bpmn-moddle';
import { AppError, type FieldIssue } from '../../domain/errors.js';
import { camundaProperties } from './camunda-properties.js';
import { portalFormOf, startFormOf } from './catalog-forms.js';
import { laneSpecs, placedNodes } from './catalog-lanes.js';
import { catalogNodes } from './catalog-nodes.js';
import { messageStartsOf, waitsOf } from './message-catalog.js';
import { chooseProcess } from './process-choice.js';
import { procedureName, processSettings } from './process-settings.js';

import type {
  ProcedureCatalog,
  SendTaskSpec,
  TimerKind,
  TimerSpec,
  UserTaskSpec,
  LaneSpec,
} from '../../domain/procedure.js';

export type { ProcedureCatalog, SendTaskSpec, TimerKind, TimerSpec, UserTaskSpec, LaneSpec };
export { camundaProperties };

/**
 * Extracts the catalog of a parsed `bpmn:definitions`, enforcing the authoring
 * conventions (violations → `PROCEDURE_INVALID`, all listed in `details`):
 *
 * 1. One `bpmn:process` with `isExecutable="true"` (with several, the one whose id is
 *    the procedure id; see process-choice.ts), optionally inside a
 *    `bpmn:collaboration` (other pools are not run). The procedure
 *    id is the file's basename and is passed in; `name` is the process name, else
 *    the participant's, else the procedure id.
 * 2. Camunda attributes use `xmlns:camunda="http://camunda.org/schema/1.0/bpmn"`.
 * 3. User tasks: optional `camunda:formKey` (a form id, `forms/<key>.form`; also
 *    `deployment:<key>.form` and `camunda:formRef`, see form-keys.ts),
 *    optional `camunda:candidateGroups="a, b"`; without it the candidate group is
 *    the id of the innermost `bpmn:lane` holding the task (tasks in a sub-process
 *    inherit its lane); with neither, `candidateGroups` is empty (anyone). Optional
 *    `camunda:assignee`. A `camunda:formKey` on the start event becomes `startFormKey`.
 * 4. Process properties in `extensionElements/camunda:properties`: `ticketPrefix`
 *    (2–8 capitals; default the first 3 letters of the procedure id, uppercased)
 *    and `language` (default `en`); optional `priorityVariable` and `priorityValues`
 *    (`value=Label; …`, most urgent first) declare the ticket's priority; optional `portalForm`
 *    (a form id) opens the procedure on the public portal with that form (docs/adr/0026).
 * 5. Send tasks name their message template with camunda property `template`; one
 *    without it sends no email and is not catalogued.
 * 6. Timer events use exactly one of timeDuration / timeDate / timeCycle.
 *
 * Element ids become object keys, so ids of cataloged elements may not contain `.`.
 */
export function buildCatalog(
  root: ModdleElement,
  procedureId: string,
  fileName = `${procedureId}.bpmn`,
): ProcedureCatalog {
  const { catalog, issues } = readCatalog(root, procedureId);
  if (!catalog || issues.length) {
    throw new AppError(
      'PROCEDURE_INVALID',
      `${fileName}: ${issues.map((i) => i.message).join('; ')}`,
      issues,
    );
  }
  return catalog;
}

/** What {@link readCatalog} found: the catalog (when there is one executable process) and every violation. */
export interface CatalogReading {
  /** The executable process, for further checks. */
  readonly process?: ModdleElement;
  /** Built even when `issues` is not empty, so that callers can check its forms and calendars too. */
  readonly catalog?: ProcedureCatalog;
  readonly issues: readonly FieldIssue[];
}

/** Like {@link buildCatalog}, but returns the violations instead of throwing them. */
export function readCatalog(root: ModdleElement, procedureId: string): CatalogReading {
  const { process, issue: missing } = chooseProcess(root, procedureId);
  if (!process) return { issues: missing ? [missing] : [] };
  return { process, ...catalogOf(root, process, procedureId) };
}

function catalogOf(
  root: ModdleElement,
  process: ModdleElement,
  procedureId: string,
): { catalog: ProcedureCatalog; issues: FieldIssue[] } {
  const processId = String(process.id);
  const issues: FieldIssue[] = [];
  const properties = camundaProperties(process);
  const settings = processSettings(processId, procedureId, properties, issues);
  const { lanes, nodes } = placedNodes(process);
  const { userTasks, sendTasks, timers, callActivities, generatedForms } = catalogNodes(
    nodes,
    procedureId,
    issues,
  );
  // A start event with camunda:formData gets a generated start form (ADR 0031).
  const start = startFormOf(nodes, procedureId, issues);
  if (start.generated) generatedForms[start.generated.formKey] = start.generated.json;
  const portalForm = portalFormOf(processId, properties.portalForm, issues);
  const catalog: ProcedureCatalog = {
    procedureId,
    processId,
    name: procedureName(root, process, procedureId),
    ticketPrefix: settings.ticketPrefix,
    language: settings.language,
    ...(start.formKey !== undefined ? { startFormKey: start.formKey } : {}),
    ...(start.element !== undefined ? { startFormElement: start.element } : {}),
    ...(portalForm !== undefined ? { portalForm } : {}),
    lanes: laneSpecs(lanes),
    userTasks,
    sendTasks,
    timers,
    ...settings.optional,
    ...(Object.keys(callActivities).length ? { callActivities } : {}),
    ...messageStartsOf(process, issues),
    ...waitsOf(nodes.map(({ node }) => node)),
    ...(Object.keys(generatedForms).length ? { generatedForms } : {}),
  };
  return { catalog, issues };
}
