import { AppError, type FieldIssue } from '../../domain/errors.js';
import type { DefinitionParser, ParsedProcedure } from '../../app/ports.js';
import { lintDefinition, NOISY_LINT_RULES } from './lint.js';
import { parseDefinition } from './parse-definition.js';

/**
 * The deploy-time gate: vets the XML and the conventions (parse-definition), then
 * lints with bpmnlint's recommended rules. Lint errors reject the file, except the
 * rules about drawing only (NOISY_LINT_RULES), which are kept as warnings.
 */
export class BpmnDefinitionParser implements DefinitionParser {
  async parse(xml: string, procedureId: string, fileName: string): Promise<ParsedProcedure> {
    const parsed = await parseDefinition(xml, procedureId, fileName);
    const report = await lintDefinition(parsed.definitions);
    const blocking = report.errors.filter((issue) => !(issue.reason in NOISY_LINT_RULES));
    if (blocking.length) {
      throw new AppError('PROCEDURE_INVALID', `${fileName}: ${describe(blocking)}`, blocking);
    }
    const downgraded = report.errors.filter((issue) => issue.reason in NOISY_LINT_RULES);
    return {
      contentHash: parsed.contentHash,
      catalog: parsed.catalog,
      warnings: [...parsed.warnings, ...downgraded, ...report.warnings],
    };
  }
}

function describe(issues: readonly FieldIssue[]): string {
  return issues.map((issue) => `<${issue.path}> ${issue.reason}: ${issue.message}`).join('; ');
}
