import type { ModdleElement } from 'bpmn-moddle';
import type { FieldIssue } from '../../domain/errors.js';
import { parsePriorityScale } from '../../domain/priority.js';
import type { ProcedureCatalog } from '../../domain/procedure.js';
import { parseReportDimensions } from '../../domain/reports/dimensions.js';
import { list } from './flow-graph.js';
import { issue } from './support.js';

const TICKET_PREFIX = /^[A-Z]{2,8}$/;
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** The process-wide settings of a catalog, read from the process's camunda properties. */
export interface ProcessSettings {
  readonly ticketPrefix: string;
  readonly language: string;
  /** Each only when the process sets it. */
  readonly optional: Pick<ProcedureCatalog, 'priority' | 'reportDimensions' | 'calendar'>;
}

/**
 * Process properties `ticketPrefix` (2–8 capitals; default the first 3 letters of the procedure
 * id, uppercased), `language` (default `en`), `priorityVariable` / `priorityValues`,
 * `reportDimensions` and `calendar`; violations go to `issues`, in that order.
 */
export function processSettings(
  processId: string,
  procedureId: string,
  properties: Readonly<Record<string, string>>,
  issues: FieldIssue[],
): ProcessSettings {
  const ticketPrefix = ticketPrefixOf(processId, procedureId, properties.ticketPrefix, issues);
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
  const optional = {
    ...(priority ? { priority } : {}),
    ...(reports.dimensions ? { reportDimensions: reports.dimensions } : {}),
    ...(properties.calendar?.trim() ? { calendar: properties.calendar.trim() } : {}),
  };
  return { ticketPrefix, language, optional };
}

/** The `ticketPrefix` property, else one derived from the procedure id; a bad one goes to `issues`. */
function ticketPrefixOf(
  processId: string,
  procedureId: string,
  property: string | undefined,
  issues: FieldIssue[],
): string {
  const ticketPrefix =
    property ??
    procedureId
      .toLowerCase()
      .replace(/[^a-z]/g, '')
      .slice(0, 3)
      .toUpperCase();
  if (!TICKET_PREFIX.test(ticketPrefix)) {
    const hint =
      property === undefined
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
  return ticketPrefix;
}

/** The procedure's name: the process name, else its participant's (in a collaboration), else the procedure id. */
export function procedureName(root: ModdleElement, process: ModdleElement, procedureId: string): string {
  return nameOf(process) ?? nameOf(participantOf(root, process)) ?? procedureId;
}

function participantOf(root: ModdleElement, process: ModdleElement): ModdleElement | undefined {
  const collaborations = list(root, 'rootElements').filter((e) => e.$type === 'bpmn:Collaboration');
  return collaborations.flatMap((c) => list(c, 'participants')).find((p) => p.processRef === process);
}

function nameOf(element: ModdleElement | undefined): string | undefined {
  return typeof element?.name === 'string' && element.name.trim() ? element.name.trim() : undefined;
}
