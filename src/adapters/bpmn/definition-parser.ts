import type { DefinitionParser, ParsedProcedure } from '../../app/ports.js';
import type { ModdleElement } from 'bpmn-moddle';
import type { FieldIssue } from '../../domain/errors.js';
import { DefinitionRejected } from '../../app/definitions-service.js';
import { camundaTolerates, CAMUNDA_TOLERATED_LINT_RULES, lintDefinition, NOISY_LINT_RULES } from './lint.js';
import { inspectDefinition, type ParseOptions } from './parse-definition.js';

/** A tolerated finding says why it is only a warning. */
function tolerated(issue: FieldIssue): FieldIssue {
  const why = CAMUNDA_TOLERATED_LINT_RULES[issue.reason];
  return why ? { ...issue, message: `${issue.message}: accepted, ${why}` } : issue;
}

/** Ids of every boundary event in the file (iterative walk, bounded by the XML guard's element cap). */
function boundaryEventIds(root: ModdleElement): Set<string> {
  const ids = new Set<string>();
  const pending: unknown[] = [root];
  while (pending.length) {
    const element = pending.pop() as ModdleElement;
    if (element.$type === 'bpmn:BoundaryEvent' && typeof element.id === 'string') ids.add(element.id);
    for (const key of ['rootElements', 'flowElements'] as const) {
      const children = element[key];
      if (Array.isArray(children)) pending.push(...children);
    }
  }
  return ids;
}

/** Tuning of {@link BpmnDefinitionParser}: file size and the safety caps (see `SafetyLimits`). */
export type DefinitionParserOptions = ParseOptions;

/**
 * The deploy-time gate: vets the XML, the conventions and the safety caps
 * (parse-definition), then lints with bpmnlint's recommended rules. Lint errors
 * reject the file, except the rules about drawing only (NOISY_LINT_RULES) and findings
 * in pools the procedure does not run, which are kept as warnings. Every finding is listed in one {@link DefinitionRejected}
 * (`PROCEDURE_UNSAFE` when any is unsafe, else `PROCEDURE_INVALID`) that carries the
 * catalog, so deploy can add the form and calendar checks to the same answer. Only a
 * file that cannot be read at all (guard, XML syntax) fails before linting.
 */
export class BpmnDefinitionParser implements DefinitionParser {
  constructor(private readonly options: DefinitionParserOptions = {}) {}

  async parse(xml: string, procedureId: string, fileName: string): Promise<ParsedProcedure> {
    const report = await inspectDefinition(xml, procedureId, fileName, this.options);
    const lint = await lintDefinition(report.definitions);
    // Drawing-only rules, findings Camunda tolerates (ADR 0031), and anything in a pool the
    // procedure does not run, are warnings.
    const boundaries = boundaryEventIds(report.definitions);
    const isWarning = (issue: FieldIssue) =>
      issue.reason in NOISY_LINT_RULES ||
      camundaTolerates(issue, boundaries) ||
      report.notRun.has(issue.path);
    const blocking = lint.errors.filter((issue) => !isWarning(issue));
    const downgraded = lint.errors.filter(isWarning).map(tolerated);
    const problems = [...report.unsafe, ...report.invalid, ...blocking];
    if (!report.catalog || problems.length) {
      const code = report.unsafe.length ? 'PROCEDURE_UNSAFE' : 'PROCEDURE_INVALID';
      throw new DefinitionRejected(code, fileName, problems, report.catalog);
    }
    return {
      contentHash: report.contentHash,
      catalog: report.catalog,
      warnings: [...report.warnings, ...downgraded, ...lint.warnings],
    };
  }
}
