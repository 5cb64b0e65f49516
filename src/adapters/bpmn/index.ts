/** BPMN procedure definitions: guard, parse and vet, catalog, lint. */
export { MAX_BPMN_BYTES, guardXml, position } from './xml-guard.js';
export {
  contentHashOf,
  parseDefinition,
  type ParseOptions,
  type ParsedDefinition,
} from './parse-definition.js';
export {
  buildCatalog,
  camundaProperties,
  type LaneSpec,
  type ProcedureCatalog,
  type SendTaskSpec,
  type TimerKind,
  type TimerSpec,
  type UserTaskSpec,
} from './catalog.js';
export {
  NOISY_LINT_RULES,
  RECOMMENDED_LINT_CONFIG,
  bpmnlintResolver,
  lintDefinition,
  type LintConfig,
  type LintResolver,
  type LintReport,
} from './lint.js';
