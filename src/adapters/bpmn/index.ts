/** BPMN procedure definitions: guard, parse and vet, catalog, lint. */
export {
  MAX_BPMN_BYTES,
  MAX_XML_DEPTH,
  MAX_XML_ELEMENTS,
  guardXml,
  position,
  type XmlShapeLimits,
} from './xml-guard.js';
export { DEFAULT_SAFETY_LIMITS, safetyIssues, type SafetyLimits } from './safety.js';
export { firstTooDeep, scanXml, type XmlShape } from './xml-depth.js';
export {
  contentHashOf,
  inspectDefinition,
  parseDefinition,
  type DefinitionReport,
  type ParseOptions,
  type ParsedDefinition,
} from './parse-definition.js';
export {
  buildCatalog,
  camundaProperties,
  readCatalog,
  type CatalogReading,
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
export { supportIssues } from './support.js';
export { supportWarnings } from './support-warnings.js';
export {
  chooseProcess,
  idsNotRun,
  runOnlyChosenProcess,
  unusedProcessWarnings,
  type ProcessChoice,
} from './process-choice.js';
export { formKeyOf, type FormKeyReading } from './form-keys.js';
