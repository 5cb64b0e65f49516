import { createHash } from 'node:crypto';
import type { ModdleElement } from 'bpmn-moddle';
import type { FieldIssue } from '../../domain/errors.js';
import { readCatalog, type ProcedureCatalog } from './catalog.js';
import { codeIssues } from './code-issues.js';
import { expressionIssues } from './expression-issues.js';
import { guardGlobalElements } from './global-elements.js';
import { allElements } from './moddle-elements.js';
import { readModdle, warningIssue } from './moddle-read.js';
import { chooseProcess, idsNotRun, unusedProcessWarnings } from './process-choice.js';
import { DEFAULT_SAFETY_LIMITS, safetyIssues, type SafetyLimits } from './safety.js';
import { supportIssues } from './support.js';
import { supportWarnings } from './support-warnings.js';
import { MAX_BPMN_BYTES, guardXml } from './xml-guard.js';

/** Tuning for {@link inspectDefinition} and `parseDefinition`. */
export interface ParseOptions {
  /** Largest accepted file in UTF-8 bytes (default {@link MAX_BPMN_BYTES}). */
  readonly maxBytes?: number;
  /** Caps of the safety checks; each defaults to {@link DEFAULT_SAFETY_LIMITS}. */
  readonly limits?: Partial<SafetyLimits>;
}

/** Everything {@link inspectDefinition} found in a file that could be parsed. */
export interface DefinitionReport {
  readonly contentHash: string;
  /** The catalog when the file has one executable process, even if there are issues. */
  readonly catalog?: ProcedureCatalog;
  readonly warnings: readonly FieldIssue[];
  readonly definitions: ModdleElement;
  /** Findings that make the file dangerous to run (code, unbounded work): `PROCEDURE_UNSAFE`. */
  readonly unsafe: readonly FieldIssue[];
  /** Findings that make it wrong (conventions, expressions, duplicate ids, unsupported elements): `PROCEDURE_INVALID`. */
  readonly invalid: readonly FieldIssue[];
  /** Ids of elements in processes the procedure does not run: findings there are only warnings. */
  readonly notRun: ReadonlySet<string>;
}

/**
 * Steps 1 to 7 of `parseDefinition` (parse-definition.ts), returning the findings of steps 3
 * to 7 instead of throwing them, so that a caller can add its own (lint, forms) and refuse
 * once with all of them. Steps 1 and 2 still throw.
 */
export async function inspectDefinition(
  xml: string,
  procedureId: string,
  fileName: string,
  options: ParseOptions = {},
): Promise<DefinitionReport> {
  const limits = { ...DEFAULT_SAFETY_LIMITS, ...options.limits };
  guardXml(xml, fileName, options.maxBytes ?? MAX_BPMN_BYTES, {
    maxDepth: limits.maxXmlDepth,
    maxElements: limits.maxXmlElements,
  });
  const parsed = await readModdle(xml, fileName);
  guardGlobalElements(parsed.rootElement, fileName, limits.maxGlobalElements);
  const moddleWarnings = parsed.warnings.map(warningIssue);
  const elements = allElements(parsed.rootElement);
  const choice = chooseProcess(parsed.rootElement, procedureId);
  const notRun = idsNotRun(choice);
  const runs = (issue: FieldIssue) => !notRun.has(issue.path);
  const code = elements.flatMap(codeIssues);
  const expressions = elements.flatMap(expressionIssues);
  const { process, catalog, issues } = readCatalog(parsed.rootElement, procedureId);
  return {
    contentHash: contentHashOf(xml),
    ...(catalog ? { catalog } : {}),
    warnings: [
      ...moddleWarnings,
      ...unusedProcessWarnings(choice),
      ...(process ? supportWarnings(process) : []),
      ...[...code, ...expressions].filter((issue) => !runs(issue)),
    ],
    definitions: parsed.rootElement,
    unsafe: [...code.filter(runs), ...(process ? safetyIssues(process, limits) : [])],
    invalid: [
      ...moddleWarnings.filter((warning) => warning.reason === 'duplicate-id'),
      ...expressions.filter(runs),
      ...issues,
      ...(process ? supportIssues(process) : []),
    ],
    notRun,
  };
}

/** sha256 hex digest of the exact XML text (no normalisation). */
export function contentHashOf(xml: string): string {
  return createHash('sha256').update(xml, 'utf8').digest('hex');
}
