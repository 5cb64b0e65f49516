import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import BpmnModdle, { type ModdleElement, type ModdleWarning, type ParseResult } from 'bpmn-moddle';
import { AppError, isAppError, type FieldIssue } from '../../domain/errors.js';
import { compileExpression } from '../../domain/expression/index.js';
import { readCatalog, type ProcedureCatalog } from './catalog.js';
import { DEFAULT_SAFETY_LIMITS, safetyIssues, type SafetyLimits } from './safety.js';
import { supportIssues } from './support.js';
import { supportWarnings } from './support-warnings.js';
import { chooseProcess, idsNotRun, unusedProcessWarnings } from './process-choice.js';
import { MAX_BPMN_BYTES, guardXml } from './xml-guard.js';

const camunda = createRequire(import.meta.url)('camunda-bpmn-moddle/resources/camunda.json') as object;
const moddle = new BpmnModdle({ camunda });

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

/** Tuning for {@link parseDefinition}. */
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

const CODE_TASKS: Readonly<Record<string, string>> = {
  'bpmn:ScriptTask': 'script task',
  'bpmn:ServiceTask': 'service task',
  'bpmn:BusinessRuleTask': 'business rule task',
};
/** Attributes (any namespace) that make an engine call code: camunda:expression, camunda:class, ... */
const CODE_ATTRIBUTES = new Set(['expression', 'class', 'delegateExpression']);
/** Extension elements (any namespace, compared lower-case) that carry code. */
const CODE_EXTENSIONS = new Set(['executionlistener', 'tasklistener', 'script', 'connector']);
const NO_CODE = 'analyst-authored code does not run on the server';
const WHOLE_EXPRESSION = /^\$\{([\s\S]+)\}$/;
const PLACEHOLDER = /\$\{([^}]+)\}/g;

/**
 * Parses and vets one procedure file (`processes/<procedureId>.bpmn`):
 * 1. {@link guardXml}: size, DTD/entities, processing instructions, encoding,
 *    nesting depth and element count (`limits.maxXmlDepth`, `maxXmlElements`); these
 *    stop at once;
 * 2. bpmn-moddle `fromXML` with the camunda extension: a parse error becomes
 *    `PROCEDURE_INVALID` with `line:column` and stops; moddle warnings become
 *    `warnings` (a duplicate id is an error);
 * 3. no code: script/service/business-rule tasks, camunda expression/class/
 *    delegateExpression attributes, listeners, connectors, scripts and expressions
 *    with a `language` → unsafe, naming each element;
 * 4. conditions are one `${ ... }` in the safe expression language and every
 *    `${ ... }` compiles → otherwise invalid;
 * 5. the authoring conventions, via {@link readCatalog};
 * 6. bounded runs ({@link safetyIssues}) → unsafe;
 * 7. elements the runner can drive ({@link supportIssues}) → invalid.
 * Code and expressions in processes the procedure does not run (other pools) are
 * only warnings.
 * Steps 3 to 7 all run; the error lists every finding, `PROCEDURE_UNSAFE` when any is
 * unsafe, else `PROCEDURE_INVALID`. Error messages start with the file name;
 * `details[].path` is an element id or `line:column`.
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

/**
 * Steps 1 to 7 of {@link parseDefinition}, returning the findings of steps 3 to 7
 * instead of throwing them, so that a caller can add its own (lint, forms) and
 * refuse once with all of them. Steps 1 and 2 still throw.
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
  const parsed = await read(xml, fileName);
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

async function read(xml: string, fileName: string): Promise<ParseResult> {
  try {
    return await moddle.fromXML(xml, 'bpmn:Definitions');
  } catch (error) {
    const { where, summary } = describe(error instanceof Error ? error.message : String(error));
    const message = `not valid BPMN XML: ${summary}`;
    throw new AppError('PROCEDURE_INVALID', `${fileName}:${where ?? '1:1'}: ${message}`, [
      { path: where ?? '1:1', reason: 'xml', message },
    ]);
  }
}

function warningIssue(warning: ModdleWarning): FieldIssue {
  const { where, summary } = describe(warning.message, warning.error);
  const id = warning.element?.id;
  const nested = warning.error?.message ?? warning.message;
  const reason = /^duplicate ID/.test(nested)
    ? 'duplicate-id'
    : /^unresolved reference/.test(nested)
      ? 'unresolved-reference'
      : /^unknown type/.test(nested)
        ? 'unknown-element'
        : /^unknown attribute/.test(nested)
          ? 'unknown-attribute'
          : 'unparsable-content';
  const property = warning.property ? ` (${warning.property})` : '';
  if (id) return { path: id, reason, message: `<${id}> ${summary}${property}` };
  return { path: where ?? 'definitions', reason, message: `${where ?? 'definitions'}: ${summary}` };
}

/** Splits moddle's multi-line messages into a 1-based `line:column` and a one-line summary. */
function describe(text: string, nested?: Error): { where?: string; summary: string } {
  const at = /line: (\d+)\s+column: (\d+)/.exec(text);
  const head = (text.split('\n')[0] ?? text).replace(/\s*detected$/, '').trim();
  const cause = nested?.message ?? /nested error: (.*)/.exec(text)?.[1];
  const summary = cause && cause !== head ? `${head}: ${cause}` : head;
  return at ? { where: `${Number(at[1]) + 1}:${Number(at[2]) + 1}`, summary } : { summary };
}

/** Every moddle element reachable from `root`, each once, parents first (iterative: no deep recursion). */
function allElements(root: ModdleElement): ModdleElement[] {
  const seen = new Set<object>();
  const found: ModdleElement[] = [];
  const pending: unknown[] = [root];
  while (pending.length) {
    const value = pending.pop();
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    if (Array.isArray(value)) {
      pushReversed(pending, value);
      continue;
    }
    const element = value as ModdleElement;
    if (typeof element.$type === 'string') found.push(element);
    const nested = Object.entries(element).filter(([key]) => !key.startsWith('$') || key === '$children');
    pushReversed(
      pending,
      nested.map(([, child]) => child),
    );
  }
  return found;
}

/** Pushes `items` last-first, so that they are popped in order (a loop: lists may be huge). */
function pushReversed(stack: unknown[], items: readonly unknown[]): void {
  for (let i = items.length - 1; i >= 0; i--) stack.push(items[i]);
}

/** The id of the element or of its nearest ancestor that has one. */
function ownerId(element: ModdleElement): string {
  let current: ModdleElement | undefined = element;
  while (current && !(typeof current.id === 'string' && current.id)) {
    current = current.$parent as ModdleElement | undefined;
  }
  return current?.id ?? element.$type;
}

function codeIssues(element: ModdleElement): FieldIssue[] {
  const id = ownerId(element);
  const task = CODE_TASKS[element.$type];
  if (task) {
    const reason = task.replaceAll(' ', '-');
    return [
      {
        path: id,
        reason,
        message: `${task} <${id}> is not allowed: ${NO_CODE}; use a condition expression or a user task`,
      },
    ];
  }
  const [prefix = '', local = ''] = element.$type.includes(':')
    ? element.$type.split(':')
    : ['', element.$type];
  if (prefix !== 'bpmn' && CODE_EXTENSIONS.has(local.toLowerCase())) {
    const name = `${prefix}:${local.charAt(0).toLowerCase()}${local.slice(1)}`;
    return [{ path: id, reason: 'code-extension', message: `<${id}> ${name} is not allowed: ${NO_CODE}` }];
  }
  const issues: FieldIssue[] = [];
  const attributes = [
    ...[...CODE_ATTRIBUTES]
      .filter((name) => typeof element[name] === 'string')
      .map((name) => `camunda:${name}`),
    ...Object.keys(element.$attrs ?? {}).filter((name) => CODE_ATTRIBUTES.has(name.split(':').pop() ?? '')),
  ];
  for (const name of attributes) {
    issues.push({
      path: id,
      reason: 'code-attribute',
      message: `<${id}> ${name} is not allowed: ${NO_CODE}`,
    });
  }
  if (element.script !== undefined) {
    issues.push({
      path: id,
      reason: 'script',
      message: `<${id}> carries a script, which is not allowed: ${NO_CODE}`,
    });
  }
  if (
    typeof element.language === 'string' &&
    element.language.trim() &&
    element.$type.endsWith('Expression')
  ) {
    issues.push({
      path: id,
      reason: 'expression-language',
      message: `<${id}> expression in language "${element.language}" is not allowed: ${NO_CODE}; write conditions as \${ ... } in the safe expression language`,
    });
  }
  return issues;
}

function expressionIssues(element: ModdleElement): FieldIssue[] {
  if (!element.$type.endsWith('Expression') || typeof element.body !== 'string') return [];
  if (typeof element.language === 'string' && element.language.trim()) return []; // refused as code already
  const id = ownerId(element);
  const parent = element.$parent as ModdleElement | undefined;
  const isCondition = parent?.conditionExpression === element || parent?.condition === element;
  const body = element.body.trim();
  const whole = WHOLE_EXPRESSION.exec(body)?.[1];
  if (isCondition && (whole === undefined || whole.includes('${'))) {
    return [
      {
        path: id,
        reason: 'condition',
        message: `<${id}>: condition "${body}" must be one expression written as \${ ... }`,
      },
    ];
  }
  const sources =
    isCondition && whole !== undefined
      ? [whole]
      : [...body.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');
  return sources.flatMap((source) => {
    try {
      compileExpression(source.trim());
      return [];
    } catch (error) {
      if (!isAppError(error)) throw error;
      return [{ path: id, reason: 'expression', message: `<${id}>: ${error.message}` }];
    }
  });
}

function fail(
  code: 'PROCEDURE_INVALID' | 'PROCEDURE_UNSAFE',
  fileName: string,
  issues: readonly FieldIssue[],
): never {
  throw new AppError(code, `${fileName}: ${issues.map((issue) => issue.message).join('; ')}`, issues);
}
