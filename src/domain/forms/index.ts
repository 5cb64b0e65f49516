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
export { DEFAULT_MAX_LENGTH } from './field-checks.js';
export { validateSubmission } from './validate-submission.js';
