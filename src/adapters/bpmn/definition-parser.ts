import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import BpmnModdle, { type ModdleElement, type ParseResult } from 'bpmn-moddle';
import { AppError, isAppError, type FieldIssue } from '../../domain/errors.js';
import { compileExpression } from '../../domain/expression/index.js';
import type { DefinitionParser, ParsedProcedure } from '../../app/ports.js';
import { buildCatalog } from './catalog.js';
import { findCodeElements } from './forbidden-elements.js';
import { allElements } from './walk.js';
import { guardXml } from './xml-guard.js';

const require = createRequire(import.meta.url);
const camunda = require('camunda-bpmn-moddle/resources/camunda.json') as object;

/** Parses and vets BPMN: hostile XML, analyst-authored code and broken conditions never get stored. */
export class BpmnDefinitionParser implements DefinitionParser {
  async parse(xml: string, procedureId: string, fileName: string): Promise<ParsedProcedure> {
    guardXml(xml, fileName);
    const parsed = await this.read(xml, fileName);
    const elements = allElements(parsed.rootElement);
    const unsafe = findCodeElements(elements);
    if (unsafe.length) {
      throw new AppError('PROCEDURE_UNSAFE', `${fileName}: ${unsafe.map((i) => i.message).join('; ')}`, unsafe);
    }
    const badConditions = checkExpressions(elements);
    if (badConditions.length) {
      throw new AppError('PROCEDURE_INVALID', `${fileName}: ${badConditions.map((i) => i.message).join('; ')}`, badConditions);
    }
    return {
      contentHash: createHash('sha256').update(xml).digest('hex'),
      catalog: buildCatalog(parsed.rootElement, procedureId, fileName),
      warnings: parsed.warnings.map((warning) => ({
        path: warning.element?.id ?? 'definitions',
        reason: 'moddle',
        message: warning.message,
      })),
    };
  }

  private async read(xml: string, fileName: string): Promise<ParseResult> {
    try {
      const parsed = await new BpmnModdle({ camunda }).fromXML(xml);
      if (parsed.rootElement.$type !== 'bpmn:Definitions') throw new Error('root element is not bpmn:definitions');
      return parsed;
    } catch (error) {
      const message = (error as Error).message.split('\n').slice(0, 3).join(' ');
      throw new AppError('PROCEDURE_INVALID', `${fileName}: not valid BPMN XML: ${message}`, [
        { path: fileName, reason: 'xml', message },
      ]);
    }
  }
}

function checkExpressions(elements: readonly ModdleElement[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const element of elements) {
    if (element.$type !== 'bpmn:FormalExpression' || typeof element.body !== 'string') continue;
    const owner = (element.$parent as ModdleElement | undefined)?.id ?? 'expression';
    for (const match of element.body.matchAll(/\$\{([^}]*)\}/g)) {
      try {
        compileExpression((match[1] ?? '').trim());
      } catch (error) {
        if (!isAppError(error)) throw error;
        issues.push({ path: owner, reason: 'expression', message: `<${owner}>: ${error.message}` });
      }
    }
  }
  return issues;
}
