export { parseFormFile, parseFormSchema, type FormSchema, type FormComponent } from './form-schema.js';
export { validateSubmission } from './validate-submission.js';
