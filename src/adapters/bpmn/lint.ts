import type { ModdleElement } from 'bpmn-moddle';
import type { FieldIssue } from '../../domain/errors.js';
import { list } from './flow-graph.js';

/**
 * bpmnlint is CommonJS but requires the ESM-only min-dash 5, relying on Node's
 * native require(esm) (Node >= 20.19, see package.json engines). Jest's module
 * registry cannot require ESM, so bpmnlint and its rules are loaded with Node's own
 * loader; `process.getBuiltinModule` is not substituted by test runners.
 */
const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);

/** A bpmnlint configuration (`extends` names such as `bpmnlint:recommended`, rule flags). */
export interface LintConfig {
  readonly extends?: string | readonly string[];
  readonly rules?: Readonly<Record<string, unknown>>;
}

/** Lint findings by severity: rule `error`s (and crashed rules) vs `warn`/`info`. */
export interface LintReport {
  /** path = element id (or `definitions`), reason = rule name. */
  readonly errors: readonly FieldIssue[];
  readonly warnings: readonly FieldIssue[];
}

type RuleFactory = (options?: unknown) => unknown;

/** How bpmnlint finds rules and configs (see {@link bpmnlintResolver}). */
export interface LintResolver {
  resolveRule(pkg: string, ruleName: string): RuleFactory | undefined;
  resolveConfig(pkg: string, configName: string): LintConfig | undefined;
}

interface Report {
  readonly id?: string;
  readonly message: string;
  readonly category: 'error' | 'warn' | 'info' | 'rule-error';
}

interface Linter {
  lint(root: ModdleElement, config?: LintConfig): Promise<Record<string, readonly Report[]>>;
}

const { Linter } = require('bpmnlint') as {
  Linter: new (options: { resolver: LintResolver; config: LintConfig }) => Linter;
};

/** The configuration {@link lintDefinition} uses unless told otherwise. */
export const RECOMMENDED_LINT_CONFIG: LintConfig = { extends: 'bpmnlint:recommended' };

/**
 * Rules of `bpmnlint:recommended` known to be noisy for our procedure files. They
 * are NOT disabled: {@link lintDefinition} reports everything and the caller
 * decides (e.g. show these as hints, or pass a config turning them off).
 */
export const NOISY_LINT_RULES: Readonly<Record<string, string>> = {
  'no-bpmndi': 'hand-written or generated files often have no diagram (DI); the runtime does not need one',
  'label-required': 'unnamed start/end events are common in small procedures and harmless at runtime',
  'no-overlapping-elements': 'concerns diagram layout only',
};

/**
 * bpmnlint errors about diagrams Camunda 7 deploys and runs, and so does this runner (issue 13,
 * ADR 0031): they are shown to the analyst as warnings, not refusals. `no-disconnected` is
 * tolerated only for boundary events (a boundary event without an outgoing flow just ends):
 * a disconnected task would be started by the engine at once, unlike Camunda.
 */
export const CAMUNDA_TOLERATED_LINT_RULES: Readonly<Record<string, string>> = {
  'no-implicit-end': 'the branch ends when its last element completes, as in Camunda',
  'end-event-required': 'the process ends when nothing is left to run, as in Camunda',
  'no-implicit-split': 'every outgoing flow whose condition holds is taken, as in Camunda',
  'no-disconnected': 'a boundary event without an outgoing flow ends where it fires, as in Camunda',
};

/** Whether a lint error is one Camunda tolerates (see {@link CAMUNDA_TOLERATED_LINT_RULES}). */
export function camundaTolerates(issue: FieldIssue, boundaryEventIds: ReadonlySet<string>): boolean {
  if (!(issue.reason in CAMUNDA_TOLERATED_LINT_RULES)) return false;
  return issue.reason !== 'no-disconnected' || boundaryEventIds.has(issue.path);
}

const RULE_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Resolves rules and configs of the installed bpmnlint package only: rule
 * `bpmnlint/rules/<name>.js` and config `bpmnlint/config/recommended.js` (CommonJS,
 * loaded with `createRequire`). Anything else is unknown, so bpmnlint rejects it.
 */
export const bpmnlintResolver: LintResolver = {
  resolveRule(pkg, ruleName) {
    if (pkg !== 'bpmnlint' || !RULE_NAME.test(ruleName)) return undefined;
    return require(`bpmnlint/rules/${ruleName}`) as RuleFactory;
  },
  resolveConfig(pkg, configName) {
    if (pkg !== 'bpmnlint' || configName !== 'recommended') return undefined;
    return require('bpmnlint/config/recommended') as LintConfig;
  },
};

/**
 * Runs bpmnlint (default `bpmnlint:recommended`) over a parsed `bpmn:Definitions`
 * (see `ParsedDefinition.definitions`) and returns every finding; nothing is
 * filtered, see {@link NOISY_LINT_RULES}. A rule that crashes is reported as an error.
 *
 * Two details make the results trustworthy:
 * - a fresh `Linter` per call: bpmnlint caches rule instances per linter and some
 *   rules keep state (no-duplicate-sequence-flows), so a shared linter reports
 *   flows of earlier files as duplicates;
 * - flow nodes' `incoming`/`outgoing` are filled in from the sequence flows when the
 *   file omits them (hand-written XML; modelers write them, bpmn-js derives them on
 *   import). Without this no-disconnected / no-implicit-start / no-implicit-end flag
 *   every node. This adds the missing references to `root` in place; it is idempotent.
 */
export async function lintDefinition(
  root: ModdleElement,
  config: LintConfig = RECOMMENDED_LINT_CONFIG,
): Promise<LintReport> {
  linkSequenceFlows(root);
  const results = await new Linter({ resolver: bpmnlintResolver, config }).lint(root);
  const errors: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  for (const [rule, reports] of Object.entries(results)) {
    for (const report of reports) {
      const path = report.id ?? 'definitions';
      const issue = { path, reason: rule, message: `<${path}> ${report.message} (${rule})` };
      (report.category === 'error' || report.category === 'rule-error' ? errors : warnings).push(issue);
    }
  }
  return { errors, warnings };
}

function linkSequenceFlows(root: ModdleElement): void {
  const visit = (container: ModdleElement): void => {
    for (const element of list(container, 'flowElements')) {
      if (element.$type === 'bpmn:SequenceFlow') {
        link(element.sourceRef, 'outgoing', element);
        link(element.targetRef, 'incoming', element);
      }
      visit(element);
    }
  };
  list(root, 'rootElements').forEach(visit);
}

function link(node: unknown, property: 'incoming' | 'outgoing', flow: ModdleElement): void {
  if (!node || typeof node !== 'object') return;
  const target = node as { get?: (name: string) => unknown } & Record<string, unknown>;
  const flows = typeof target.get === 'function' ? target.get(property) : (target[property] ??= []);
  if (Array.isArray(flows) && !flows.includes(flow)) flows.push(flow);
}
