import type { ModdleElement } from 'bpmn-moddle';
import { AppError, type FieldIssue } from '../../domain/errors.js';
import type { ProcedureCatalog } from './catalog.js';
import { inspectDefinition, type ParseOptions } from './inspect-definition.js';

export {
  contentHashOf,
  inspectDefinition,
  type DefinitionReport,
  type ParseOptions,
} from './inspect-definition.js';

/** A vetted procedure definition. */
export interface ParsedDefinition {
  readonly procedureId: string;
  readonly fileName: string;
  /** sha256 (hex) of the exact XML text; versions are keyed by it. */
  readonly contentHash: string;
  readonly catalog: ProcedureCatalog;
  /** Non-fatal moddle findings (unknown element/attribute, unresolved reference), as bpmn-js reports them. */
  readonly warnings: readonly FieldIssue[];
  /** The moddle `bpmn:Definitions` root, for `lintDefinition` (lint.ts); in-memory only, not serialisable. */
  readonly definitions: ModdleElement;
}

/**
 * Parses and vets one procedure file (`processes/<procedureId>.bpmn`):
 * 1. `guardXml` (xml-guard.ts): size, DTD/entities, processing instructions, encoding,
 *    nesting depth and element count (`limits.maxXmlDepth`, `maxXmlElements`); these
 *    stop at once;
 * 2. bpmn-moddle `fromXML` with the camunda extension (moddle-read.ts): a parse error becomes
 *    `PROCEDURE_INVALID` with `line:column` and stops; moddle warnings become
 *    `warnings` (a duplicate id is an error); more messages, signals, errors and escalations
 *    than `limits.maxGlobalElements` stop here too (global-elements.ts);
 * 3. no code (code-issues.ts): script/service/business-rule tasks, camunda expression/class/
 *    delegateExpression attributes, listeners, connectors, scripts and expressions
 *    with a `language` → unsafe, naming each element;
 * 4. conditions are one `${ ... }` in the safe expression language and every
 *    `${ ... }` compiles (expression-issues.ts) → otherwise invalid;
 * 5. the authoring conventions, via `readCatalog` (catalog.ts);
 * 6. bounded runs (`safetyIssues`, safety.ts) → unsafe;
 * 7. elements the runner can drive (`supportIssues`, support.ts) → invalid.
 * Code and expressions in processes the procedure does not run (other pools) are
 * only warnings.
 * Steps 3 to 7 all run ({@link inspectDefinition}); the error lists every finding,
 * `PROCEDURE_UNSAFE` when any is unsafe, else `PROCEDURE_INVALID`. Error messages start with
 * the file name; `details[].path` is an element id or `line:column`.
 */
export async function parseDefinition(
  xml: string,
  procedureId: string,
  fileName: string,
  options: ParseOptions = {},
): Promise<ParsedDefinition> {
  const report = await inspectDefinition(xml, procedureId, fileName, options);
  if (!report.catalog || report.unsafe.length || report.invalid.length) {
    fail(report.unsafe.length ? 'PROCEDURE_UNSAFE' : 'PROCEDURE_INVALID', fileName, [
      ...report.unsafe,
      ...report.invalid,
    ]);
  }
  return {
    procedureId,
    fileName,
    contentHash: report.contentHash,
    catalog: report.catalog,
    warnings: report.warnings,
    definitions: report.definitions,
  };
}

function fail(
  code: 'PROCEDURE_INVALID' | 'PROCEDURE_UNSAFE',
  fileName: string,
  issues: readonly FieldIssue[],
): never {
  throw new AppError(code, `${fileName}: ${issues.map((issue) => issue.message).join('; ')}`, issues);
}
