export {
  parseFormFile,
  parseFormSchema,
  type DataNode,
  type DataShape,
  type DateTimeSubtype,
  type DisplayComponent,
  type DisplayType,
  type FieldType,
  type FieldValidation,
  type FormComponent,
  type FormField,
  type FormGroup,
  type FormList,
  type FormOption,
  type FormSchema,
  type OptionValue,
} from './form-schema.js';
export { DEFAULT_MAX_LENGTH, PATTERN_STEP_BUDGET } from './parse-validation.js';
export { FORM_PATTERN_STEP_BUDGET } from './pattern-budget.js';
export { listEntriesCap, MAX_LIST_ITEMS, MAX_LIST_VALUES } from './data-shape.js';
export { MAX_FORM_NESTING } from './parse-component.js';
export { matchOption, optionOf } from './form-options.js';
export { compilePattern, PatternError, type LinearPattern } from './linear-pattern.js';
export { validateSubmission, type SubmissionOptions } from './validate-submission.js';
export { checkRequiredIf, MAX_REQUIRED_IF_LENGTH, requiredIfHolds } from './required-if.js';
export {
  fillCurrentUser,
  prefillsCurrentUser,
  PREFILL_CURRENT_USER,
  PREFILL_PROPERTY,
} from './current-user.js';
export {
  acceptsFile,
  checkFileRefs,
  fileVisibility,
  isAttachmentRef,
  maxFilesOf,
  MAX_FILES_PER_FIELD,
} from './file-refs.js';
