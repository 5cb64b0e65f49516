import type { ModdleElement } from 'bpmn-moddle';
import type { CallActivitySpec } from '../../domain/call.js';
import { callActivitySpec } from './call-activity-spec.js';
import { AppError, type FieldIssue } from '../../domain/errors.js';
import { parsePriorityScale } from '../../domain/priority.js';
import { parseReportDimensions } from '../../domain/reports/dimensions.js';
import { formKeyOf as readFormKey } from './form-keys.js';
import { chooseProcess } from './process-choice.js';
import { messageStartsOf, waitsOf } from './message-catalog.js';
import { generatedForm } from './form-data.js';

import type {
  ProcedureCatalog,
  SendTaskSpec,
  TimerKind,
  TimerSpec,
  UserTaskSpec,
  LaneSpec,
} from '../../domain/procedure.js';

export type { ProcedureCatalog, SendTaskSpec, TimerKind, TimerSpec, UserTaskSpec, LaneSpec };

const KEY = /^[a-z0-9][a-z0-9-]*$/;
const ATTACH_VARIABLE = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;
const TICKET_PREFIX = /^[A-Z]{2,8}$/;
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const TIMER_PROPERTY = { duration: 'timeDuration', date: 'timeDate', cycle: 'timeCycle' } as const;
const ISO_DURATION =
  /^P(?=\d|T\d)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$/;

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
  const ticketPrefix =
    properties.ticketPrefix ??
    procedureId
      .toLowerCase()
      .replace(/[^a-z]/g, '')
      .slice(0, 3)
      .toUpperCase();
  if (!TICKET_PREFIX.test(ticketPrefix)) {
    const hint =
      properties.ticketPrefix === undefined
        ? ` (derived from procedure id ${procedureId}; set the ticketPrefix property)`
        : '';
    issues.push(
      issue(
        processId,
        'ticket-prefix',
        `<${processId}> ticketPrefix "${ticketPrefix}" must be 2 to 8 capital letters${hint}`,
      ),
    );
  }
  const language = properties.language ?? 'en';
  if (!LANGUAGE.test(language)) {
    issues.push(
      issue(
        processId,
        'language',
        `<${processId}> language "${language}" is not a language tag such as "es"`,
      ),
    );
  }

  const { scale: priority, problem } = parsePriorityScale(
    properties.priorityVariable,
    properties.priorityValues,
  );
  if (problem) issues.push(issue(processId, 'priority', `<${processId}> ${problem}`));
  const reports = parseReportDimensions(properties.reportDimensions);
  if (reports.problem)
    issues.push(issue(processId, 'report-dimensions', `<${processId}> ${reports.problem}`));

  const lanes = collectLanes(process);
  const laneOf = new Map(
    lanes.flatMap(({ lane, nodeIds }) => nodeIds.map((nodeId) => [nodeId, String(lane.id)] as const)),
  );
  const nodes = flowNodes(process, laneOf);
  const userTasks: Record<string, UserTaskSpec> = {};
  const sendTasks: Record<string, SendTaskSpec> = {};
  const timers: Record<string, TimerSpec> = {};
  const callActivities: Record<string, CallActivitySpec> = {};
  const generatedForms: Record<string, string> = {};
  for (const { node, laneId } of nodes) {
    const id = String(node.id);
    const catalogued = (target: Record<string, unknown>, value: unknown) => {
      if (id.includes('.')) issues.push(issue(id, 'id', `element id <${id}> must not contain "."`));
      target[id] = value;
    };
    if (node.$type === 'bpmn:UserTask') {
      const generated = generatedFormOf(node, procedureId, issues);
      if (generated) generatedForms[generated.formKey] = generated.json;
      catalogued(userTasks, userTask(node, laneId, issues, generated?.formKey));
    }
    const send = node.$type === 'bpmn:SendTask' ? sendTask(node, issues) : undefined;
    if (send) catalogued(sendTasks, send);
    if (node.$type === 'bpmn:CallActivity') catalogued(callActivities, callActivitySpec(node, issues));
    const timer = timerOf(node, issues);
    if (timer) catalogued(timers, timer);
  }
  const start = nodes.find(
    ({ node, nested }) =>
      !nested &&
      node.$type === 'bpmn:StartEvent' &&
      (typeof node.formKey === 'string' || typeof node.formRef === 'string'),
  );
  // A start event with camunda:formData gets a generated start form (ADR 0031).
  const generatedStart = start ? undefined : generatedStartForm(nodes, procedureId, issues);
  if (generatedStart) generatedForms[generatedStart.formKey] = generatedStart.json;
  const startFormKey = start ? formKeyOf(start.node, issues) : generatedStart?.formKey;
  const portalForm = portalFormOf(processId, properties.portalForm, issues);
  const catalog: ProcedureCatalog = {
    procedureId,
    processId,
    name: nameOf(process) ?? nameOf(participantOf(root, process)) ?? procedureId,
    ticketPrefix,
    language,
    ...(startFormKey !== undefined ? { startFormKey } : {}),
    ...(portalForm !== undefined ? { portalForm } : {}),
    lanes: lanes.map(({ lane }) => ({ id: String(lane.id), name: String(lane.name ?? lane.id) })),
    userTasks,
    sendTasks,
    timers,
    ...(priority ? { priority } : {}),
    ...(reports.dimensions ? { reportDimensions: reports.dimensions } : {}),
    ...(properties.calendar?.trim() ? { calendar: properties.calendar.trim() } : {}),
    ...(Object.keys(callActivities).length ? { callActivities } : {}),
    ...messageStartsOf(process, issues),
    ...waitsOf(nodes.map(({ node }) => node)),
    ...(Object.keys(generatedForms).length ? { generatedForms } : {}),
  };
  return { catalog, issues };
}

/** The name/value pairs of `camunda:properties` in an element's extension elements. */
export function camundaProperties(element: ModdleElement): Record<string, string> {
  const result: Record<string, string> = {};
  for (const value of children(element.extensionElements, 'values')) {
    if (value.$type !== 'camunda:Properties') continue;
    for (const property of children(value, 'values')) {
      if (typeof property.name === 'string') result[property.name] = String(property.value ?? '');
    }
  }
  return result;
}

/** A task's `camunda:formData` as a generated form (form-data.ts), unless a form key names a form. */
function generatedFormOf(node: ModdleElement, procedureId: string, issues: FieldIssue[]) {
  if (typeof node.formKey === 'string' || typeof node.formRef === 'string') return undefined;
  return generatedForm(node, procedureId, issues);
}

/** The generated form of the first top-level start event with `camunda:formData`, if any. */
function generatedStartForm(nodes: readonly Placed[], procedureId: string, issues: FieldIssue[]) {
  for (const { node, nested } of nodes) {
    if (nested || node.$type !== 'bpmn:StartEvent') continue;
    const generated = generatedForm(node, procedureId, issues);
    if (generated) return generated;
  }
  return undefined;
}

function userTask(
  node: ModdleElement,
  laneId: string | undefined,
  issues: FieldIssue[],
  generatedKey?: string,
): UserTaskSpec {
  const explicit = typeof node.candidateGroups === 'string' ? splitList(node.candidateGroups) : [];
  const formKey = generatedKey ?? formKeyOf(node, issues);
  // Candidate users alone offer the task to them only, not to the lane (ADR 0031).
  const usersOnly = typeof node.candidateUsers === 'string' && node.candidateUsers.trim() !== '';
  return {
    id: String(node.id),
    name: String(node.name ?? node.id),
    candidateGroups: explicit.length ? explicit : laneId && !usersOnly ? [laneId] : [],
    ...(laneId ? { laneId } : {}),
    ...(formKey !== undefined ? { formKey } : {}),
    ...(typeof node.assignee === 'string' && node.assignee.trim() ? { assignee: node.assignee.trim() } : {}),
    ...camundaTaskExtras(node),
  };
}

/** `camunda:candidateUsers`, `dueDate`, `followUpDate` of a user task (ADR 0031). */
function camundaTaskExtras(node: ModdleElement): Partial<UserTaskSpec> {
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
  const users = text(node.candidateUsers) ? splitList(String(node.candidateUsers)) : [];
  const dueDate = text(node.dueDate);
  const followUpDate = text(node.followUpDate);
  return {
    ...(users.length ? { candidateUsers: users } : {}),
    ...(dueDate ? { dueDate } : {}),
    ...(followUpDate ? { followUpDate } : {}),
  };
}

/** A send task without a `template` property sends no email: it is left out (see support.ts warnings). */
function sendTask(node: ModdleElement, issues: FieldIssue[]): SendTaskSpec | undefined {
  const id = String(node.id);
  const { template = '', to, attach } = camundaProperties(node);
  if (!template.trim()) return undefined;
  if (!KEY.test(template)) {
    const problem = `template "${template}" must be a template id (a-z, 0-9, -)`;
    issues.push(issue(id, 'template', `send task <${id}> ${problem}`));
  }
  // `attach`: the variable holding a filepicker's files (`reportFile` or `${reportFile}`, ADR 0032).
  const attachName = attach?.trim().replace(/^\$\{\s*([^}]*?)\s*\}$/, '$1');
  if (attachName !== undefined && !ATTACH_VARIABLE.test(attachName)) {
    const problem = `property "attach" must name a variable, e.g. reportFile or \${reportFile}`;
    issues.push(issue(id, 'attach', `send task <${id}> ${problem}`));
  }
  return {
    id,
    name: String(node.name ?? id),
    template,
    ...(to ? { to } : {}),
    ...(attachName && ATTACH_VARIABLE.test(attachName) ? { attach: attachName } : {}),
  };
}

function timerOf(node: ModdleElement, issues: FieldIssue[]): TimerSpec | undefined {
  const definition = children(node, 'eventDefinitions').find((d) => d.$type === 'bpmn:TimerEventDefinition');
  if (!definition) return undefined;
  const id = String(node.id);
  const kinds = (['duration', 'date', 'cycle'] as const).filter((kind) => definition[TIMER_PROPERTY[kind]]);
  const kind = kinds[0];
  const value = kind ? String((definition[TIMER_PROPERTY[kind]] as ModdleElement).body ?? '').trim() : '';
  if (!kind || kinds.length > 1 || !value) {
    issues.push(
      issue(id, 'timer', `timer <${id}> needs exactly one non-empty timeDuration, timeDate or timeCycle`),
    );
  } else if (!validTimerValue(kind, value)) {
    issues.push(issue(id, 'timer', `timer <${id}> has an invalid ${TIMER_PROPERTY[kind]} "${value}"`));
  }
  const { calendar } = camundaProperties(node);
  if (calendar !== undefined && (kind !== 'duration' || !KEY.test(calendar))) {
    issues.push(
      issue(id, 'calendar', `timer <${id}>: calendar "${calendar}" needs a calendar id and a timeDuration`),
    );
  }
  const boundary = node.$type === 'bpmn:BoundaryEvent';
  const attachedTo = boundary ? (node.attachedToRef as ModdleElement | undefined)?.id : undefined;
  return {
    id,
    name: String(node.name ?? id),
    eventType: boundary ? 'boundary' : node.$type === 'bpmn:StartEvent' ? 'start' : 'intermediate',
    ...(attachedTo ? { attachedToRef: attachedTo } : {}),
    cancelActivity: boundary && node.cancelActivity !== false,
    kind: kind ?? 'duration',
    value,
    ...(calendar ? { calendar } : {}),
  };
}

function validTimerValue(kind: TimerKind, value: string): boolean {
  if (/^\$\{[\s\S]+\}$/.test(value)) return true;
  if (kind === 'duration') return ISO_DURATION.test(value);
  if (kind === 'date') return /^\d{4}-\d{2}-\d{2}(T|$)/.test(value) && !Number.isNaN(Date.parse(value));
  return /^R\d*\//.test(value);
}

/**
 * Process property `portalForm` (docs/adr/0026): the form id (`forms/<id>.form`, a trailing `.form`
 * is dropped) of the requester-facing start form the public portal shows; a bad id goes to `issues`.
 */
function portalFormOf(
  processId: string,
  value: string | undefined,
  issues: FieldIssue[],
): string | undefined {
  if (value === undefined) return undefined;
  const key = value.trim().replace(/\.form$/, '');
  if (KEY.test(key)) return key;
  const message = `<${processId}> portalForm "${value}" must be a form id (a-z, 0-9, -) of forms/`;
  issues.push(issue(processId, 'portal-form', message));
  return undefined;
}

/** The form id of `camunda:formKey` / `camunda:formRef` (see form-keys.ts); refusals go to `issues`. */
function formKeyOf(node: ModdleElement, issues: FieldIssue[]): string | undefined {
  const { key, issue: problem } = readFormKey(node);
  if (problem) issues.push(problem);
  return key;
}

interface Placed {
  readonly node: ModdleElement;
  readonly laneId: string | undefined;
  readonly nested: boolean;
}

/** Flow nodes of the process and of its sub-processes (which lend their lane to their content). */
function flowNodes(
  container: ModdleElement,
  laneOf: ReadonlyMap<string, string>,
  inherited?: string,
  nested = false,
): Placed[] {
  return children(container, 'flowElements').flatMap((node) => {
    const laneId = laneOf.get(String(node.id)) ?? inherited;
    const inner = node.flowElements ? flowNodes(node, laneOf, laneId, true) : [];
    return [{ node, laneId, nested }, ...inner];
  });
}

/** Every lane in document order (parents before their child lanes) with the ids of its nodes. */
function collectLanes(process: ModdleElement): { lane: ModdleElement; nodeIds: string[] }[] {
  const visit = (laneSets: ModdleElement[]): { lane: ModdleElement; nodeIds: string[] }[] =>
    laneSets.flatMap((set) =>
      children(set, 'lanes').flatMap((lane) => [
        { lane, nodeIds: children(lane, 'flowNodeRef').map((node) => String(node.id)) },
        ...visit(lane.childLaneSet ? [lane.childLaneSet as ModdleElement] : []),
      ]),
    );
  return visit(children(process, 'laneSets'));
}

function participantOf(root: ModdleElement, process: ModdleElement): ModdleElement | undefined {
  const collaborations = children(root, 'rootElements').filter((e) => e.$type === 'bpmn:Collaboration');
  return collaborations.flatMap((c) => children(c, 'participants')).find((p) => p.processRef === process);
}

function children(element: unknown, property: string): ModdleElement[] {
  const value = (element as Record<string, unknown> | undefined)?.[property];
  return Array.isArray(value) ? (value as ModdleElement[]) : [];
}

function nameOf(element: ModdleElement | undefined): string | undefined {
  return typeof element?.name === 'string' && element.name.trim() ? element.name.trim() : undefined;
}

function splitList(value: string): string[] {
  return [
    ...new Set(
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    ),
  ];
}

function issue(path: string, reason: string, message: string): FieldIssue {
  return { path, reason, message };
}
